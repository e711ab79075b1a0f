import { Module } from '@nestjs/common';
import { DashboardsController } from './api/dashboards.controller';
import {
  DisbursementsController,
  TransferCommands,
  TransfersController,
} from './api/disbursements.controller';
import { FundsController } from './api/funds.controller';
import { HistoryController } from './api/history.controller';
import { PoolsController } from './api/pools.controller';
import { DashboardsQueries } from './application/dashboards.queries';
import { HistoryQueries } from './application/history.queries';
import { FundsApplicationModule } from './funds-application.module';

/**
 * The funds ledger (docs/design.md §5) over HTTP. Needs, from the app, what
 * `FundsApplicationModule` needs and READ_STORE.
 */
@Module({
  imports: [FundsApplicationModule],
  controllers: [
    FundsController,
    DisbursementsController,
    TransfersController,
    PoolsController,
    DashboardsController,
    HistoryController,
  ],
  providers: [TransferCommands, DashboardsQueries, HistoryQueries],
  exports: [FundsApplicationModule],
})
export class FundsModule {}

// The OpenAPI schemas of this context's answers, merged into the app's document.
export { fundsOpenApiSchemas } from './api/funds.openapi';
