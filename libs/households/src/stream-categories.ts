import type { RecordedEvent } from '@sunlight/event-store';
import {
  formatYuan,
  householdDecider,
  householdStreamCategory,
  incomeSummary,
  parseHouseholdStreamName,
} from './domain';
import { toHouseholdEvent } from './stored-events';

/**
 * The household streams as the log's raw readers see them: a household belongs to its village,
 * read from its id, so `/streams/household-…` and `/history` answer only inside the caller's
 * jurisdiction. Shaped as `StreamCategory` of `@sunlight/audit`.
 */
export const householdsStreamCategories = [
  {
    category: householdStreamCategory,
    divisionOf: (streamName: string) => parseHouseholdStreamName(streamName)?.villageCode,
    fold(events: readonly RecordedEvent[]): unknown {
      const state = events.reduce(
        (folded, event) => householdDecider.evolve(folded, toHouseholdEvent(event)),
        householdDecider.initialState(),
      );
      const years = [...new Set([...state.incomes.values()].map((record) => record.year))].sort();
      return {
        registration: state.registration ?? null,
        status: state.status,
        exitProcedure: state.procedure ?? null,
        members: [...state.members.values()],
        housing: state.housing ?? null,
        helper: state.helper ?? null,
        policies: state.policies,
        industryProjects: [...state.industryProjects.keys()],
        perCapitaNetIncome: Object.fromEntries(
          years.map((year) => {
            const summary = incomeSummary(state.incomes.values(), year, state.members.size);
            const perCapita = summary.perCapitaNetFen;
            return [year, perCapita === undefined ? null : formatYuan(perCapita)];
          }),
        ),
      };
    },
  },
];
