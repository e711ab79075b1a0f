import type { RecordedEvent } from '@sunlight/event-store';
import { formatYuan } from '@sunlight/funds';
import { parseProjectStreamName, projectDecider, projectStreamCategory } from './domain';
import { toProjectEvent } from './stored-events';

/**
 * The project streams as the log's raw readers see them: a project belongs to its village or
 * township, read from its id, so `/streams/project-…` and `/history` answer only inside the
 * caller's jurisdiction. Shaped as `StreamCategory` of `@sunlight/audit`.
 */
export const projectsStreamCategories = [
  {
    category: projectStreamCategory,
    divisionOf: (streamName: string) => parseProjectStreamName(streamName)?.divisionCode,
    fold(events: readonly RecordedEvent[]): unknown {
      const state = events.reduce(
        (folded, event) => projectDecider.evolve(folded, toProjectEvent(event)),
        projectDecider.initialState(),
      );
      const { plan } = state;
      return {
        plan: plan === undefined ? null : { ...plan, budget: formatYuan(BigInt(plan.budgetFen)) },
        status: state.status,
        milestones: [...state.milestones].map(([milestoneId, milestone]) => ({
          milestoneId,
          ...milestone,
        })),
        completion: state.completion ?? null,
        acceptance: state.acceptance ?? null,
        suspension: state.suspension ?? null,
        photos: [...state.photos.values()],
      };
    },
  },
];
