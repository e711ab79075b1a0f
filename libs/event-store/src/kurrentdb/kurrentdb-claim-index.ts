import type { ClaimIndex } from '../claim-index.port';
import type { EventStore, RecordedEvent } from '../event-store.port';
import { readClaimState } from './claims';

/** Claims kept in the KurrentDB adapter's claim streams (claims.ts), joined to the event that made each. */
export class KurrentDbClaimIndex implements ClaimIndex {
  constructor(private readonly store: EventStore) {}

  async holderOf(key: string): Promise<RecordedEvent | undefined> {
    const { holder } = await readClaimState(this.store, key);
    if (holder === undefined) return undefined;
    for await (const event of this.store.readStream(holder.stream, {
      fromRevision: BigInt(holder.revision),
      maxCount: 1,
    })) {
      // The record and the event were written in one atomic append; a mismatch is a broken log.
      if (event.eventId !== holder.eventId) {
        throw new Error(
          `the claim index names event ${holder.eventId} at ${holder.stream}@${holder.revision}, but the log holds ${event.eventId} there`,
        );
      }
      return event;
    }
    throw new Error(
      `the claim index names ${holder.stream}@${holder.revision}, which the log does not hold`,
    );
  }
}
