import type { AllFilter, RecordedEvent } from '@sunlight/event-store';
import type { DocumentKey, ReadDocument } from './read-store.port';

/**
 * A projection is pure: which documents an event touches, and how each one changes. The
 * runner does all I/O, so the same definition rebuilds, runs live and recomputes in memory for
 * `sunlight projections check`.
 */
export interface Projection {
  name: string;
  /** Bump when `apply` changes meaning; a new version is rebuilt from zero beside the old one. */
  version: number;
  /** Events the projection reads; everything else is skipped by the store. */
  filter: AllFilter;
  /** The documents this event changes (e.g. a township's dashboard and all its ancestors'). */
  keysOf(event: RecordedEvent): DocumentKey[];
  /**
   * The document after the event; `current` is undefined for a new document. Must not mutate
   * `current`, and must return a new object: the runner sets `id` and `lastPosition` on it (so
   * a spread of `current` may keep the old `lastPosition`). `before` reads the other documents this
   * event touches (its `keysOf`), as they were before it: one document may hold what another
   * needs, such as a pool's pending disbursement telling its ancestors whom an approval pays.
   */
  apply(
    current: ReadDocument | undefined,
    event: RecordedEvent,
    key: DocumentKey,
    before: DocumentsBefore,
  ): Omit<ReadDocument, 'lastPosition'>;
}

/** A document the current event touches, as it was before the event; undefined if new or not touched. */
export type DocumentsBefore = (key: DocumentKey) => ReadDocument | undefined;
