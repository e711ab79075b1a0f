import type { Pool } from 'pg';
import type { RecordedEvent } from '../event-store.port';
import type { TransferIndex } from '../transfer-index.port';
import { encodePosition } from './positions';

/** A transfer's events are few; this bounds the answer should ids ever be reused by mistake. */
const transferEventsMax = 1_000;

export class PostgresTransferIndex implements TransferIndex {
  constructor(private readonly pool: Pool) {}

  async findByTransferId(
    transferId: string,
    options: { types?: readonly string[]; streamName?: string } = {},
  ): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<{
      position: string;
      stream_name: string;
      revision: string;
      event_id: string;
      type: string;
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
      recorded_at: Date;
    }>({
      name: 'sunlight_transfer_events',
      // A transfer id names a handful of events: they are found through events_transfer_id_idx
      // first and only then filtered and ordered. As one statement, a prepared statement's
      // generic plan (from the sixth call on) could not see that the optional filters were
      // unset, and walked a long pool's whole stream instead (10 ms on a 100,000-event pool).
      text: `WITH matching AS MATERIALIZED (
               SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at
                 FROM events
                WHERE data ? 'transferId' AND data ->> 'transferId' = $1
             )
             SELECT * FROM matching
              WHERE ($2::text[] IS NULL OR type = ANY ($2::text[]))
                AND ($3::text IS NULL OR stream_name = $3::text)
              ORDER BY position LIMIT $4`,
      values: [transferId, options.types ? [...options.types] : null, options.streamName ?? null, transferEventsMax],
    });
    return rows.map((row) => ({
      streamName: row.stream_name,
      revision: BigInt(row.revision),
      position: encodePosition(row.position),
      eventId: row.event_id,
      type: row.type,
      data: row.data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    }));
  }
}
