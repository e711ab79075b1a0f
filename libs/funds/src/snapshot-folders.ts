import type { RecordedEvent } from '@sunlight/event-store';
import {
  parsePoolStreamName,
  poolDecider,
  poolSnapshotSchemaVersion,
  poolStateToSnapshot,
} from './domain';
import { toPoolEvent } from './stored-events';

/**
 * How pool snapshots are checked against the log by `sunlight verify`: the snapshot JSON of the
 * fold of the stream. Shaped as `SnapshotFolder` of `@sunlight/event-store/postgres`.
 */
export const poolSnapshotFolder = {
  schemaVersion: poolSnapshotSchemaVersion,
  folds: (streamName: string) => parsePoolStreamName(streamName) !== undefined,
  fold: (events: readonly RecordedEvent[]) => ({
    ...poolStateToSnapshot(
      events.reduce(
        (state, event) => poolDecider.evolve(state, toPoolEvent(event)),
        poolDecider.initialState(),
      ),
    ),
  }),
};
