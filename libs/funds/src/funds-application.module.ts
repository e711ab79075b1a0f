import { Module } from '@nestjs/common';
import { CreateFundLineHandler } from './application/fund-line.handler';
import { FundsProcessor } from './application/funds.processor';
import { FundsQueries } from './application/funds.queries';
import { deciderHandlerProviders } from './application/pool-commands';
import { PoolCommandHandler } from './application/pool-command.handler';
import { TransferLocator } from './application/transfer-locator';

/**
 * The funds ledger's application layer without HTTP: command handlers on the CommandBus, the
 * funds processor (relay) and the pool queries. Needs, from the app: CqrsModule and the
 * event-store tokens (EVENT_STORE, SNAPSHOT_STORE, PROCESSOR_CHECKPOINTS, CLAIM_INDEX),
 * DIVISION_REGISTRY.
 */
@Module({
  providers: [
    ...deciderHandlerProviders,
    PoolCommandHandler,
    CreateFundLineHandler,
    FundsProcessor,
    FundsQueries,
    TransferLocator,
  ],
  exports: [...deciderHandlerProviders, FundsProcessor, FundsQueries, TransferLocator],
})
export class FundsApplicationModule {}

// For contexts that write to pools through the same handler (its cache and per-stream order):
// the rosters' approval job requests a roster's lines as one batch per append.
export { POOL_COMMANDS, type PoolCommands } from './application/pool-commands';

// The commands its handlers take, for one-shot writers of the app's command bus (`sunlight demo`).
export { CreateFundLineCommand, RunPoolCommand } from './application/funds.commands';
