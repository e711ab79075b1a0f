import type { RecordedEvent } from './event-store.port';

/**
 * Who holds a key claimed through `metadata.claims` (see `EventToAppend`): the event that
 * claimed it, in the stream that holds it. Routes that name only a transfer id find its pool
 * here, and a repeated command finds the event it wrote the first time.
 */
export interface ClaimIndex {
  holderOf(key: string): Promise<RecordedEvent | undefined>;
}
