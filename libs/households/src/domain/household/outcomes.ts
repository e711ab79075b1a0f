import type { HouseholdCommand } from './commands';
import type { HouseholdEvent } from './events';
import { exitStepEventTypes } from './events';

/**
 * Whether `event` records the outcome `command` asks for. A repeated command decides nothing;
 * the application then answers with the latest event of its stream that this accepts (the
 * first answer, since the repeat matched the state that event left).
 */
export function isOutcomeOf(command: HouseholdCommand, event: HouseholdEvent): boolean {
  switch (command.type) {
    case 'RegisterHousehold':
      return event.type === 'HouseholdRegistered';
    case 'AddMember':
      return event.type === 'MemberAdded' && event.data.idNumber === command.idNumber;
    case 'RemoveMember':
      return event.type === 'MemberRemoved' && event.data.idNumber === command.idNumber;
    case 'RecordIncome':
      return event.type === 'IncomeRecorded' && event.data.recordId === command.recordId;
    case 'AssessHousing':
      return event.type === 'HousingAssessed';
    case 'AssignHelper':
      return event.type === 'HelperAssigned';
    case 'RecordPolicy':
      return (
        event.type === 'PolicyEnjoyed' &&
        event.data.policy === command.policy &&
        event.data.year === command.year &&
        event.data.description === command.description
      );
    case 'JoinIndustryProject':
      return event.type === 'IndustryProjectJoined' && event.data.projectId === command.projectId;
    case 'EvaluateExit':
      return event.type === 'ExitEvaluated' && event.data.evaluationId === command.evaluationId;
    case 'RecordExitStep':
      return event.type === exitStepEventTypes[command.step];
    case 'ReturnToPoverty':
      return event.type === 'ReturnedToPoverty';
    case 'StartMonitoring':
      return event.type === 'MonitoringStarted' && event.data.monitoringId === command.monitoringId;
    case 'EliminateRisk':
      return event.type === 'RiskEliminated' && event.data.monitoringId === command.monitoringId;
  }
}
