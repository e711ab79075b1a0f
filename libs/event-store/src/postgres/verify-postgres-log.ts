import { Client, type QueryResult } from 'pg';
import {
  verifyChain,
  type ChainVerification,
  type NoteVerifier,
  type StoredChainEntry,
} from '@sunlight/integrity';
import { CheckpointWalk, type CheckpointVerification } from './checkpoint-walk';

export type { CheckpointVerification } from './checkpoint-walk';

/** How to check the log against the Merkle checkpoints the log signed (migration 11). */
export interface LogCheckpointOptions {
  /** The log's origin line; a checkpoint of another log is refused. */
  origin: string;
  /** The log's public checkpoint key(s): a checkpoint no one of them signed is refused. */
  verifiers: readonly NoteVerifier[];
  /**
   * Signed checkpoints kept outside the database (a witness's, an earlier export's), checked
   * with the stored ones: whoever can delete stored checkpoints cannot delete these.
   */
  external?: readonly string[];
}

export interface VerifyPostgresLogOptions {
  connectionString: string;
  /** Called as the walk proceeds with the count so far and the total at the start. */
  onProgress?: (eventsChecked: number, totalEvents: number) => void;
  pageSize?: number;
  /** When given, every signed checkpoint is also checked against the tree rebuilt in the walk. */
  checkpoints?: LogCheckpointOptions;
}

export type PostgresLogVerification = ChainVerification & {
  /** Present when `checkpoints` was given. */
  checkpoints?: CheckpointVerification;
  /** How many signed checkpoints the database keeps (checked or not). */
  storedCheckpoints: number;
};

const verifyPageSizeDefault = 2_000;

/**
 * Re-reads the whole log straight from the table, in position order, and recomputes the
 * hash chain. It reads the table rather than going through the store so that nothing the
 * application does (filters, role, caching) stands between the auditor and the rows.
 */
export async function verifyPostgresLog(
  options: VerifyPostgresLogOptions,
): Promise<PostgresLogVerification> {
  const client = new Client({
    connectionString: options.connectionString,
    application_name: 'sunlight-verify',
  });
  await client.connect();
  try {
    // One repeatable-read snapshot: appends that land during the walk neither count nor confuse it.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const total = Number(
      (await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0].n,
    );
    const pageSize = options.pageSize ?? verifyPageSizeDefault;
    const progressEvery = Math.max(1, Math.min(10_000, Math.floor(total / 100)));
    const stored = await storedCheckpointNotes(client);
    const walk =
      options.checkpoints === undefined
        ? undefined
        : new CheckpointWalk(
            [...stored, ...(options.checkpoints.external ?? [])],
            options.checkpoints,
          );
    const result = await verifyChain(readEntries(client, pageSize), {
      progressEvery,
      onProgress: (checked) => options.onProgress?.(checked, total),
      ...(walk === undefined ? {} : { onVerified: (_entry, leafHash) => walk.add(leafHash) }),
    });
    options.onProgress?.(result.eventsChecked, total);
    await client.query('COMMIT');
    const storedCheckpoints = stored.length;
    return walk === undefined
      ? { ...result, storedCheckpoints }
      : { ...result, storedCheckpoints, checkpoints: walk.finish(result.ok) };
  } finally {
    await client.end();
  }
}

async function storedCheckpointNotes(client: Client): Promise<string[]> {
  const { rows: exists } = await client.query<{ table: string | null }>(
    "SELECT to_regclass('log_checkpoints')::text AS table",
  );
  if (exists[0].table === null) return [];
  const { rows } = await client.query<{ note: string }>(
    'SELECT note FROM log_checkpoints ORDER BY size',
  );
  return rows.map((row) => row.note);
}

interface EventRow {
  position: string;
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
  hash: Buffer;
}

/**
 * The log's rows in position order, a page at a time. The next page is asked for before the
 * current one is handed out, so PostgreSQL reads and sends it while this process hashes.
 */
async function* readEntries(client: Client, pageSize: number): AsyncIterable<StoredChainEntry> {
  const page = (after: string): Promise<QueryResult<EventRow>> =>
    client.query<EventRow>(
      `SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash
         FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, pageSize],
    );
  let next: Promise<QueryResult<EventRow>> | undefined = page('0');
  try {
    while (next !== undefined) {
      const { rows }: QueryResult<EventRow> = await next;
      next = rows.length < pageSize ? undefined : page(rows[rows.length - 1].position);
      for (const row of rows) {
        yield {
          position: row.position,
          stream: row.stream_name,
          revision: row.revision,
          id: row.event_id,
          type: row.type,
          data: row.data,
          metadata: row.metadata,
          recordedAt: row.recorded_at.toISOString(),
          hash: row.hash,
        };
      }
    }
  } finally {
    // A walk that stops early (a break found) leaves a page in flight: let it settle here.
    await next?.catch(() => undefined);
  }
}
