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
   * `current`. The runner sets `id` and `lastPosition`.
   */
  apply(current: ReadDocument | undefined, event: RecordedEvent, key: DocumentKey): Omit<ReadDocument, 'lastPosition'>;
}
