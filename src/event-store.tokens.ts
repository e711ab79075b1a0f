import type { EventStore } from '@sunlight/event-store';

/** Injection token for the app's `AppEventStore`; defined in the library so contexts can inject it. */
export { EVENT_STORE } from '@sunlight/event-store';

/** Injection token for the resolved `DatabaseHandle` (DATABASE_URL or the embedded server). */
export const DATABASE = 'DATABASE';

/**
 * What the app's plumbing (health, metrics) needs beyond the port. Kept separate from the port so
 * the domain never depends on operational probes, while every adapter still has to offer them.
 */
export interface EventStoreProbe {
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** The position of the last event in the log; undefined while the log is empty. */
  headPosition(): Promise<string | undefined>;
}

export type AppEventStore = EventStore & EventStoreProbe;
