import type { EventStore, EventStoreProbe } from '@sunlight/event-store';

/** Injection token for the app's `AppEventStore`; defined in the library so contexts can inject it. */
export { EVENT_STORE } from '@sunlight/event-store';

/** Injection token for the resolved `DatabaseHandle` (DATABASE_URL or the embedded server). */
export const DATABASE = 'DATABASE';

export type AppEventStore = EventStore & EventStoreProbe;
