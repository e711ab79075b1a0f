import type { ProjectCommand } from './commands';
import type { ProjectEvent } from './events';

/**
 * Whether `event` records the outcome `command` asks for. A repeated command decides nothing;
 * the application then answers with the latest event of its stream that this accepts.
 */
export function isOutcomeOf(command: ProjectCommand, event: ProjectEvent): boolean {
  switch (command.type) {
    case 'PlanProject':
      return event.type === 'ProjectPlanned';
    case 'ReachMilestone':
      return event.type === 'MilestoneReached' && event.data.milestoneId === command.milestoneId;
    case 'CompleteProject':
      return event.type === 'ProjectCompleted';
    case 'AcceptProject':
      return event.type === 'ProjectAccepted';
    case 'SuspendProject':
      return event.type === 'ProjectSuspended';
    case 'AddPhoto':
      return event.type === 'PhotoAdded' && event.data.sha256 === command.sha256;
    case 'RecordPhotoCheck':
      return event.type === 'PhotoChecked' && event.data.sha256 === command.sha256;
  }
}
