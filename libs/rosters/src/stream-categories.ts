import type { RecordedEvent } from '@sunlight/event-store';
import { divisionOfRosterId, rosterDecider } from './domain';
import { rosterSummary } from './roster-summary';
import { toRosterEvent } from './stored-events';

/** A roster belongs to the division its id names. Shaped as `StreamCategory` of `@sunlight/audit`. */
export const rostersStreamCategories = [
  {
    category: 'roster',
    divisionOf: (streamName: string) => divisionOfRosterId(streamName.slice('roster-'.length)),
    fold: (events: readonly RecordedEvent[]): unknown =>
      rosterSummary(
        events.reduce(
          (state, event) => rosterDecider.evolve(state, toRosterEvent(event)),
          rosterDecider.initialState(),
        ),
      ),
  },
];
