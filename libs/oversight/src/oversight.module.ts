import { Module, type DynamicModule } from '@nestjs/common';
import { DIVISION_FINDINGS, PERSON_FINDINGS } from '@sunlight/funds';
import { HOUSEHOLD_FINDINGS } from '@sunlight/households';
import { ROSTER_CHECKER, ROSTER_FINDINGS } from '@sunlight/rosters';
import { CrossChecksController } from './api/cross-checks.controller';
import { FindingsController } from './api/findings.controller';
import {
  OVERSIGHT_OPTIONS,
  RegistriesController,
  type OversightOptions,
} from './api/registries.controller';
import { RuleStatsController } from './api/rule-stats.controller';
import { RulesController } from './api/rules.controller';
import { SpotChecksController } from './api/spot-checks.controller';
import { CheckSubjects } from './application/check-subjects';
import { CrossCheck } from './application/cross-check';
import { divisionFindingsProviders } from './application/division-findings';
import { findingCommandProviders } from './application/finding-commands';
import { FindingQueries } from './application/finding-queries';
import { FindingWorkflow } from './application/finding-workflow';
import { registrySnapshotCommandProviders } from './application/registry-commands';
import { RegistryImportJob } from './application/registry-import.job';
import { RegistryQueries } from './application/registry-queries';
import { RegistryUpload } from './application/registry-upload';
import { rosterCheckProviders } from './application/roster-checks';
import { SpotChecks, spotCheckCommandProviders } from './application/spot-checks';
import { subjectFindingsProviders } from './application/subject-findings';

/**
 * Oversight (监督): other departments' registries, the cross-check rules and the findings they
 * raise, also over every roster before it is parsed (ROSTER_CHECKER); and spot checks (抽查).
 * Needs, from the app: EVENT_STORE, DIVISION_REGISTRY, BLOB_STORE, JOB_QUEUES, READ_STORE,
 * REGISTRY_ROWS, CHECK_EVENTS, CHAIN_HASHES and CLAIM_INDEX (a recovery named by a disposition).
 */
@Module({})
export class OversightModule {
  static forRoot(options: OversightOptions): DynamicModule {
    return {
      module: OversightModule,
      // Global for ROSTER_CHECKER (the rosters' parse job checks every roster through it) and for
      // the open findings the roster view, the household card, a person's history and the dashboards
      // show.
      global: true,
      exports: [
        ROSTER_CHECKER,
        ROSTER_FINDINGS,
        HOUSEHOLD_FINDINGS,
        PERSON_FINDINGS,
        DIVISION_FINDINGS,
      ],
      controllers: [
        RulesController,
        RuleStatsController,
        RegistriesController,
        CrossChecksController,
        FindingsController,
        SpotChecksController,
      ],
      providers: [
        { provide: OVERSIGHT_OPTIONS, useValue: options },
        ...registrySnapshotCommandProviders,
        ...findingCommandProviders,
        RegistryUpload,
        RegistryImportJob,
        RegistryQueries,
        CheckSubjects,
        CrossCheck,
        FindingQueries,
        FindingWorkflow,
        ...spotCheckCommandProviders,
        SpotChecks,
        ...rosterCheckProviders,
        ...subjectFindingsProviders,
        ...divisionFindingsProviders,
      ],
    };
  }
}
