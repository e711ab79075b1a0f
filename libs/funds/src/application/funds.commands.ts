import { Command } from '@nestjs/cqrs';
import type { CreateFundLine, PoolCommand } from '../domain';
import type { CommandIds, TransferOutcome } from './command-envelope';

/** Creates a fund line and credits its appropriation to the pool of its division. */
export class CreateFundLineCommand extends Command<TransferOutcome> {
  constructor(
    readonly command: CreateFundLine,
    readonly ids: CommandIds,
  ) {
    super();
  }
}

/** Any command on one pool: allocation, disbursement and its steps, reversal, recovery. */
export class RunPoolCommand extends Command<TransferOutcome> {
  constructor(
    readonly command: PoolCommand,
    readonly ids: CommandIds,
  ) {
    super();
  }
}
