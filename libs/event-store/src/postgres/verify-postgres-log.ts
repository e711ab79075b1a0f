import { Client } from 'pg';
import { verifyChain, type ChainVerification, type StoredChainEntry } from '@sunlight/integrity';

export interface VerifyPostgresLogOptions {
  connectionString: string;
  /** Called as the walk proceeds with the count so far and the total at the start. */
  onProgress?: (eventsChecked: number, totalEvents: number) => void;
  pageSize?: number;
}

const verifyPageSizeDefault = 2_000;

/**
 * Re-reads the whole log straight from the table, in position order, and recomputes the
 * hash chain. It reads the table rather than going through the store so that nothing the
 * application does (filters, role, caching) stands between the auditor and the rows.
 */
export async function verifyPostgresLog(
  options: VerifyPostgresLogOptions,
): Promise<ChainVerification> {
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
    const result = await verifyChain(readEntries(client, pageSize), {
      progressEvery,
      onProgress: (checked) => options.onProgress?.(checked, total),
    });
    options.onProgress?.(result.eventsChecked, total);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
  }
}

async function* readEntries(client: Client, pageSize: number): AsyncIterable<StoredChainEntry> {
  let after = '0';
  for (;;) {
    const { rows } = await client.query<{
      position: string;
      stream_name: string;
      revision: string;
      event_id: string;
      type: string;
      data: unknown;
      metadata: unknown;
      recorded_at: Date;
      hash: Buffer;
    }>(
      `SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash
         FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, pageSize],
    );
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
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].position;
  }
}
