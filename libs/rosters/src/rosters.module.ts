import { Module, type DynamicModule } from '@nestjs/common';
import { FundsApplicationModule } from '@sunlight/funds/funds-application.module';
import { ROSTERS_OPTIONS, RostersController, type RostersOptions } from './api/rosters.controller';
import { rosterCommandProviders } from './application/roster-commands';
import { RosterApproval } from './application/roster-approval';
import { RosterCommandsService } from './application/roster-decisions';
import { RosterSettlement } from './application/roster-settlement';
import { RosterParseJob } from './application/roster-parse.job';
import { RosterQueries } from './application/roster-queries';
import { RosterUpload } from './application/roster-upload';

/**
 * Rosters (花名册) over HTTP and their jobs. Needs, from the app: the event-store tokens
 * (EVENT_STORE, CLAIM_INDEX, SNAPSHOT_STORE), DIVISION_REGISTRY, BLOB_STORE, JOB_QUEUES and
 * CqrsModule (the funds' application module, whose pool handler the approval job writes with).
 */
@Module({})
export class RostersModule {
  static forRoot(options: RostersOptions): DynamicModule {
    return {
      module: RostersModule,
      imports: [FundsApplicationModule],
      controllers: [RostersController],
      providers: [
        { provide: ROSTERS_OPTIONS, useValue: options },
        ...rosterCommandProviders,
        RosterUpload,
        RosterParseJob,
        RosterQueries,
        RosterCommandsService,
        RosterApproval,
        RosterSettlement,
      ],
    };
  }
}
