import type { RecordedEvent } from '@sunlight/event-store';
import { encodePosition } from '@sunlight/event-store/postgres';
import type { Pool } from 'pg';
import type { CheckEventQuery, CheckEvents, DivisionStreams } from '../check-events.port';

/** Positions one query examines, and the events it returns at most. */
const windowPositions = 100_000n;
const pageEvents = 10_000;

interface CheckEventRow {
  position: string;
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  occurred_at: string | null;
  recorded_at: Date;
}

/**
 * The log's `events` table read as a cross-check needs it: the stream prefixes (and the division
 * of the keyed streams, the funds pools) and the types are tested by the server, only the columns
 * a check uses travel (of the metadata, `occurredAt`), in pages of up to 10,000 events over
 * windows of 100,000 positions, the next page asked for while the caller goes through the
 * current one. Positions are gapless and appends serialised, so every event at or below the head
 * read first is committed and visible.
 */
export class PostgresCheckEvents implements CheckEvents {
  constructor(private readonly pool: Pool) {}

  async *read(query: CheckEventQuery): AsyncIterable<RecordedEvent> {
    const prefixes = query.streamPrefixes.filter((prefix) => prefix.length > 0);
    const keyed =
      query.divisionStreams === undefined || query.divisionStreams.prefix.length === 0
        ? undefined
        : query.divisionStreams;
    if ((prefixes.length === 0 && keyed === undefined) || query.types.length === 0) return;
    const { rows } = await this.pool.query<{ position: string | null }>(
      'SELECT max(position) AS position FROM events',
    );
    const head =
      rows[0]?.position === null || rows[0] === undefined ? 0n : BigInt(rows[0].position);
    // One string per stream name and type, not one per event: a check holds its events.
    const names = new Map<string, string>();
    const pageAfter = (after: bigint) => {
      const page = this.page(after, head, prefixes, query.types, keyed, names);
      // Awaited below; a caller that stops early must not leave a rejection unhandled.
      page.catch(() => undefined);
      return page;
    };
    let next = head > 0n ? pageAfter(0n) : undefined;
    while (next !== undefined) {
      const { events, scannedTo } = await next;
      next = scannedTo < head ? pageAfter(scannedTo) : undefined;
      yield* events;
    }
  }

  async existing(streamNames: readonly string[]): Promise<Set<string>> {
    if (streamNames.length === 0) return new Set();
    // Every stream has its revision 0: one probe each into the (stream_name, revision) key.
    const { rows } = await this.pool.query<{ stream_name: string }>({
      name: 'sunlight_check_streams_existing',
      text: `SELECT stream_name FROM events
              WHERE stream_name = ANY ($1::text[]) AND revision = 0`,
      values: [streamNames],
    });
    return new Set(rows.map((row) => row.stream_name));
  }

  private async page(
    after: bigint,
    head: bigint,
    prefixes: readonly string[],
    types: readonly string[],
    keyed: DivisionStreams | undefined,
    names: Map<string, string>,
  ): Promise<{ events: RecordedEvent[]; scannedTo: bigint }> {
    const shared = (name: string) => {
      const known = names.get(name);
      if (known !== undefined) return known;
      names.set(name, name);
      return name;
    };
    const windowEnd = after + windowPositions < head ? after + windowPositions : head;
    const columns = `position, stream_name, revision, event_id, type, data,
                    CASE WHEN jsonb_typeof(metadata -> 'occurredAt') = 'string'
                         THEN metadata ->> 'occurredAt' END AS occurred_at,
                    recorded_at`;
    const window = [after.toString(), windowEnd.toString(), prefixes, types, pageEvents];
    // The keyed streams' code is what follows the dot (their key has none); the data keys are
    // tested on those streams only, so no roster line's data is looked into for them.
    const { rows } = await this.pool.query<CheckEventRow>(
      keyed === undefined
        ? {
            name: 'sunlight_check_events',
            text: `SELECT ${columns}
                     FROM events
                    WHERE position > $1 AND position <= $2
                      AND stream_name ^@ ANY ($3::text[]) AND type = ANY ($4::text[])
                    ORDER BY position LIMIT $5`,
            values: window,
          }
        : {
            name: 'sunlight_check_events_keyed',
            text: `SELECT ${columns}
                     FROM events
                    WHERE position > $1 AND position <= $2
                      AND type = ANY ($4::text[])
                      AND (stream_name ^@ ANY ($3::text[])
                           OR (stream_name ^@ $6 AND split_part(stream_name, '.', 2) ^@ $7
                               AND NOT (data ?| $8::text[])))
                    ORDER BY position LIMIT $5`,
            values: [...window, keyed.prefix, keyed.within, keyed.skipDataKeys ?? []],
          },
    );
    const events = rows.map((row): RecordedEvent => ({
      streamName: shared(row.stream_name),
      revision: BigInt(row.revision),
      position: encodePosition(row.position),
      eventId: row.event_id,
      type: shared(row.type),
      data: row.data,
      metadata: row.occurred_at === null ? {} : { occurredAt: row.occurred_at },
      recordedAt: row.recorded_at,
    }));
    const last = rows[rows.length - 1];
    const scannedTo = rows.length === pageEvents && last ? BigInt(last.position) : windowEnd;
    return { events, scannedTo };
  }
}
