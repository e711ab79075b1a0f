import type { EventStore, EventStoreProbe } from '@sunlight/event-store';

/** Injection token for the app's `AppEventStore`; defined in the library so contexts can inject it. */
export { EVENT_STORE } from '@sunlight/event-store';

/** Injection token for the resolved `DatabaseHandle` (DATABASE_URL or the embedded server). */
export const DATABASE = 'DATABASE';

/** Injection token for the `DatabaseAccess`: the logins the app and the projections use. */
export const DATABASE_ACCESS = 'DATABASE_ACCESS';

/**
 * Injection token for the event store of projections and processors: the same log, read (and
 * appended to) as `sunlight_projector`, on connections of its own.
 */
export const PROJECTOR_EVENT_STORE = 'PROJECTOR_EVENT_STORE';

export type AppEventStore = EventStore & EventStoreProbe;
