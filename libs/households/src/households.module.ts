import { Module } from '@nestjs/common';
import { ExitController } from './api/exit.controller';
import { HouseholdDashboardsController } from './api/household-dashboards.controller';
import { HouseholdQueriesController } from './api/household-queries.controller';
import { HouseholdDashboardsQueries } from './application/household-dashboards.queries';
import { HouseholdsController } from './api/households.controller';
import { PeopleController } from './api/people.controller';
import { HouseholdsQueries } from './application/households.queries';
import { HouseholdsApplicationModule } from './households-application.module';

/**
 * The household register (docs/design.md §6) over HTTP. Needs, from the app, what
 * `HouseholdsApplicationModule` needs and READ_STORE.
 */
@Module({
  imports: [HouseholdsApplicationModule],
  controllers: [
    HouseholdsController,
    ExitController,
    HouseholdQueriesController,
    PeopleController,
    HouseholdDashboardsController,
  ],
  providers: [HouseholdsQueries, HouseholdDashboardsQueries],
  exports: [HouseholdsApplicationModule],
})
export class HouseholdsModule {}
