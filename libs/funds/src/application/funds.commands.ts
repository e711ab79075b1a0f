import { Command } from '@nestjs/cqrs';
import type { CommandIds, CommandOutcome } from '@sunlight/event-store';
import type { CreateFundLine, PoolCommand } from '../domain';

/** Creates a fund line and credits its appropriation to the pool of its division. */
export class CreateFundLineCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: CreateFundLine,
    readonly ids: CommandIds,
  ) {
    super();
  }
}

/** Any command on one pool: allocation, disbursement and its steps, reversal, recovery. */
export class RunPoolCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: PoolCommand,
    readonly ids: CommandIds,
    /** The pool's stream, when the caller found it in the log (routes that name only a transfer). */
    readonly streamName?: string,
  ) {
    super();
  }
}
