import type { RecordedEvent } from '@sunlight/event-store';
import {
  divisionOfFindingId,
  divisionOfSnapshotId,
  divisionOfSpotCheckId,
  findingCategory,
  findingDecider,
  registrySnapshotCategory,
  registrySnapshotDecider,
  spotCheckCategory,
  spotCheckDecider,
} from './domain';
import { toSpotCheckEvent } from './spot-check-stored-events';
import { toFindingEvent, toRegistrySnapshotEvent } from './stored-events';

/**
 * A registry snapshot and a spot check belong to the division their ids name, a finding to its
 * subject's village.
 * Shaped as `StreamCategory` of `@sunlight/audit`.
 */
export const oversightStreamCategories = [
  {
    category: registrySnapshotCategory,
    divisionOf: (streamName: string) =>
      divisionOfSnapshotId(streamName.slice(`${registrySnapshotCategory}-`.length)),
    fold: (events: readonly RecordedEvent[]): unknown =>
      events.reduce(
        (state, event) => registrySnapshotDecider.evolve(state, toRegistrySnapshotEvent(event)),
        registrySnapshotDecider.initialState(),
      ),
  },
  {
    category: findingCategory,
    divisionOf: (streamName: string) =>
      divisionOfFindingId(streamName.slice(`${findingCategory}-`.length)),
    fold: (events: readonly RecordedEvent[]): unknown =>
      events.reduce(
        (state, event) => findingDecider.evolve(state, toFindingEvent(event)),
        findingDecider.initialState(),
      ),
  },
  {
    category: spotCheckCategory,
    divisionOf: (streamName: string) =>
      divisionOfSpotCheckId(streamName.slice(`${spotCheckCategory}-`.length)),
    fold: (events: readonly RecordedEvent[]): unknown => {
      const state = events.reduce(
        (folded, event) => spotCheckDecider.evolve(folded, toSpotCheckEvent(event)),
        spotCheckDecider.initialState(),
      );
      return { drawn: state.drawn ?? null, visits: [...state.visits.values()] };
    },
  },
];
