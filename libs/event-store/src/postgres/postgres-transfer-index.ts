import type { Pool } from 'pg';
import type { RecordedEvent } from '../event-store.port';
import type { TransferIndex } from '../transfer-index.port';
import { toRecordedEvent, type EventRow } from './event-rows';

/** A transfer's events are few; this bounds the answer should ids ever be reused by mistake. */
export const transferEventsMax = 1_000;

interface Lookup {
  types: readonly string[] | undefined;
  streamName: string | undefined;
  resolve: (events: RecordedEvent[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Every command that starts a transfer looks its id up first (it must be new everywhere), so
 * under load the lookups of one turn of the event loop go to the database together, as one
 * query for all their ids; each caller's filters are applied here. A lone lookup waits for no
 * one: it goes out at the end of the turn it was asked in.
 */
export class PostgresTransferIndex implements TransferIndex {
  private pending = new Map<string, Lookup[]>();
  private flushScheduled = false;
  /** Queries made and transfer ids they carried: how well lookups share queries. */
  readonly lookups = { queries: 0, transferIds: 0 };

  constructor(private readonly pool: Pool) {}

  findByTransferId(
    transferId: string,
    options: { types?: readonly string[]; streamName?: string } = {},
  ): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      const lookups = this.pending.get(transferId);
      const lookup = { types: options.types, streamName: options.streamName, resolve, reject };
      if (lookups) lookups.push(lookup);
      else this.pending.set(transferId, [lookup]);
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.flushScheduled = false;
    const transferIds = [...batch.keys()];
    this.lookups.queries += 1;
    this.lookups.transferIds += transferIds.length;
    let rows: EventRow[];
    try {
      ({ rows } = await this.pool.query<EventRow>({
        name: 'sunlight_transfers_events',
        // Id by id through events_transfer_id_idx (a hash index; an id's few events are sorted
        // after it), each id's events in log order and bounded on their own (one id with many
        // events cannot crowd out the others).
        text: `SELECT e.position, e.stream_name, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at
                 FROM unnest($1::text[]) AS wanted(transfer_id)
                 CROSS JOIN LATERAL (
                   SELECT * FROM events
                    WHERE data ? 'transferId' AND data ->> 'transferId' = wanted.transfer_id
                    ORDER BY position LIMIT $2
                 ) e
                ORDER BY e.position`,
        values: [transferIds, transferEventsMax],
      }));
    } catch (error) {
      for (const lookups of batch.values()) for (const lookup of lookups) lookup.reject(error);
      return;
    }
    const byTransfer = new Map<string, RecordedEvent[]>();
    for (const row of rows) {
      const transferId = row.data.transferId as string;
      const events = byTransfer.get(transferId);
      const event = toRecordedEvent(row);
      if (events) events.push(event);
      else byTransfer.set(transferId, [event]);
    }
    for (const [transferId, lookups] of batch) {
      const events = byTransfer.get(transferId) ?? [];
      for (const lookup of lookups) {
        lookup.resolve(
          events.filter(
            (event) =>
              (lookup.types === undefined || lookup.types.includes(event.type)) &&
              (lookup.streamName === undefined || event.streamName === lookup.streamName),
          ),
        );
      }
    }
  }
}
