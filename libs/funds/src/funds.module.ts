import { Module } from '@nestjs/common';
import { FundLineRunner } from './application/fund-line.runner';
import { CreateFundLineHandler, RunPoolCommandHandler } from './application/funds.handlers';
import { FundsProcessor } from './application/funds.processor';
import { FundsQueries } from './application/funds.queries';
import { PoolCommandRunner } from './application/pool-command.runner';
import { DisbursementsController, TransfersController } from './api/disbursements.controller';
import { FundsController } from './api/funds.controller';
import { PoolsController, StreamsController } from './api/pools.controller';
import { DashboardsController } from './api/dashboards.controller';
import { HistoryController } from './api/history.controller';

/**
 * The funds ledger (DESIGN.md §5). Needs, from the app: CqrsModule, the event-store tokens
 * (EVENT_STORE, SNAPSHOT_STORE, PROCESSOR_CHECKPOINTS, TRANSFER_INDEX), READ_STORE and DIVISION_REGISTRY.
 */
@Module({
  controllers: [
    FundsController,
    DisbursementsController,
    TransfersController,
    PoolsController,
    StreamsController,
    DashboardsController,
    HistoryController,
  ],
  providers: [
    PoolCommandRunner,
    FundLineRunner,
    FundsQueries,
    FundsProcessor,
    CreateFundLineHandler,
    RunPoolCommandHandler,
  ],
  exports: [PoolCommandRunner, FundsQueries, FundsProcessor],
})
export class FundsModule {}
