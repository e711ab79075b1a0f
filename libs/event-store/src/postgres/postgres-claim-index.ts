import type { Pool } from 'pg';
import type { ClaimIndex } from '../claim-index.port';
import type { RecordedEvent } from '../event-store.port';
import { toRecordedEvent, type EventRow } from './event-rows';

/** Claims kept by migration 9's trigger in `stream_claims`, joined to the event that made each. */
export class PostgresClaimIndex implements ClaimIndex {
  constructor(private readonly pool: Pool) {}

  async holderOf(key: string): Promise<RecordedEvent | undefined> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'sunlight_claim_holder',
      text: `SELECT e.position, e.stream_name, e.revision, e.event_id, e.type, e.data, e.metadata,
                    e.recorded_at
               FROM stream_claims c JOIN events e ON e.position = c.position
              WHERE c.key = $1`,
      values: [key],
    });
    return rows.length === 0 ? undefined : toRecordedEvent(rows[0]);
  }
}
