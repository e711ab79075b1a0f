import { Module } from '@nestjs/common';
import { exitCriteriaProvider } from './application/exit-criteria.loader';
import { monitoringRulesProvider } from './application/monitoring-rules.loader';
import { householdCommandsProvider } from './application/household-commands';
import { HouseholdCommandHandler } from './application/household-command.handler';

/**
 * The households context's application layer without HTTP: the command handler on the
 * CommandBus. Needs, from the app: CqrsModule, EVENT_STORE and DIVISION_REGISTRY.
 */
@Module({
  providers: [
    householdCommandsProvider,
    exitCriteriaProvider,
    monitoringRulesProvider,
    HouseholdCommandHandler,
  ],
  exports: [householdCommandsProvider, exitCriteriaProvider, monitoringRulesProvider],
})
export class HouseholdsApplicationModule {}

// The command its handler takes, for one-shot writers of the app's command bus (`sunlight demo`).
export { RunHouseholdCommand } from './application/households.commands';
export { EXIT_CRITERIA } from './application/exit-criteria.loader';
export { MONITORING_RULES } from './application/monitoring-rules.loader';
