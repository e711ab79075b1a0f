import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TransferOutcome } from './command-envelope';
import { FundLineRunner } from './fund-line.runner';
import { CreateFundLineCommand, RunPoolCommand } from './funds.commands';
import { PoolCommandRunner } from './pool-command.runner';

@CommandHandler(CreateFundLineCommand)
export class CreateFundLineHandler implements ICommandHandler<
  CreateFundLineCommand,
  TransferOutcome
> {
  constructor(private readonly fundLines: FundLineRunner) {}
  execute(message: CreateFundLineCommand): Promise<TransferOutcome> {
    return this.fundLines.create(message.command, message.ids);
  }
}

@CommandHandler(RunPoolCommand)
export class RunPoolCommandHandler implements ICommandHandler<RunPoolCommand, TransferOutcome> {
  constructor(private readonly pools: PoolCommandRunner) {}
  execute(message: RunPoolCommand): Promise<TransferOutcome> {
    return this.pools.run(message.command, message.ids);
  }
}
