import type { Pool, PoolClient } from 'pg';
import {
  compactRangeNodeIds,
  MissingNodeError,
  type NodeId,
  type StoredChainEntry,
} from '@sunlight/integrity';
import type {
  StoredCheckpoint,
  StoredCosignature,
  TreeGrowth,
  TreeHead,
  TreeStore,
} from '../tree-store.port';

interface CheckpointRow {
  size: string;
  root_hash: Buffer;
  note: string;
  signed_at: Date;
}

const checkpointColumns = 'size, root_hash, note, signed_at';

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    size: Number(row.size),
    rootHash: row.root_hash,
    note: row.note,
    signedAt: row.signed_at,
  };
}

/** Queries a pool or a client in a transaction alike. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

/**
 * The tree in PostgreSQL (migration 11): nodes keyed by (level, index), the head in merkle_tree,
 * checkpoints and cosignatures beside. A step locks the head row, so integrators on several
 * instances take turns and never write a node twice.
 */
export class PostgresTreeStore implements TreeStore {
  constructor(private readonly pool: Pool) {}

  getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    return nodesFrom(this.pool, ids);
  }

  async grow(
    maxEntries: number,
    grow: (head: TreeHead, entries: readonly StoredChainEntry[]) => TreeGrowth,
  ): Promise<TreeGrowth | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ size: string; chain_hash: Buffer }>(
        'SELECT size, chain_hash FROM merkle_tree WHERE id FOR UPDATE',
      );
      const size = Number(rows[0].size);
      const entries = await eventsAfter(client, size, maxEntries);
      if (entries.length === 0) {
        await client.query('COMMIT');
        return undefined;
      }
      const rangeHashes = await nodesFrom(client, compactRangeNodeIds(size));
      const growth = grow({ size, chainHash: rows[0].chain_hash, rangeHashes }, entries);
      await client.query(
        `INSERT INTO merkle_nodes (level, index, hash)
         SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
        [
          growth.nodes.map((node) => node.id.level),
          growth.nodes.map((node) => node.id.index),
          growth.nodes.map((node) => node.hash),
        ],
      );
      await client.query(
        'UPDATE merkle_tree SET size = $1, chain_hash = $2, updated_at = now() WHERE id',
        [growth.size, growth.chainHash],
      );
      await client.query('COMMIT');
      return growth;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async treeSize(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string }>(
      'SELECT size FROM merkle_tree WHERE id',
    );
    return Number(rows[0].size);
  }

  async eventAt(position: number): Promise<StoredChainEntry | undefined> {
    const [entry] = await eventsAfter(this.pool, position - 1, 1);
    return entry?.position === String(position) ? entry : undefined;
  }

  async logSize(): Promise<number> {
    const { rows } = await this.pool.query<{ head: string | null }>(
      'SELECT max(position) AS head FROM events',
    );
    return Number(rows[0].head ?? 0);
  }

  async oldestPendingAt(): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ recorded_at: Date }>(
      `SELECT e.recorded_at FROM events e, merkle_tree t
        WHERE t.id AND e.position = t.size + 1`,
    );
    return rows[0]?.recorded_at;
  }

  async addCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    await this.pool.query(
      `INSERT INTO log_checkpoints (size, root_hash, note, signed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (size) DO NOTHING`,
      [checkpoint.size, checkpoint.rootHash, checkpoint.note, checkpoint.signedAt],
    );
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${checkpointColumns} FROM log_checkpoints ORDER BY size DESC LIMIT 1`,
    );
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async checkpointOfSize(size: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${checkpointColumns} FROM log_checkpoints WHERE size = $1`,
      [size],
    );
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async checkpointCovering(size: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${checkpointColumns} FROM log_checkpoints WHERE size >= $1 ORDER BY size LIMIT 1`,
      [size],
    );
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${checkpointColumns} FROM log_checkpoints WHERE size > $1 ORDER BY size LIMIT $2`,
      [afterSize, limit],
    );
    return rows.map(toCheckpoint);
  }

  async putCosignature(size: number, cosignature: StoredCosignature): Promise<void> {
    await this.pool.query(
      `INSERT INTO log_cosignatures (size, witness, signature_line, received_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (size, witness) DO UPDATE
         SET signature_line = excluded.signature_line, received_at = excluded.received_at`,
      [size, cosignature.witness, cosignature.signatureLine, cosignature.receivedAt],
    );
  }

  async cosignatures(size: number): Promise<StoredCosignature[]> {
    const { rows } = await this.pool.query<{
      witness: string;
      signature_line: string;
      received_at: Date;
    }>(
      `SELECT witness, signature_line, received_at FROM log_cosignatures
        WHERE size = $1 ORDER BY witness`,
      [size],
    );
    return rows.map((row) => ({
      witness: row.witness,
      signatureLine: row.signature_line,
      receivedAt: row.received_at,
    }));
  }
}

async function nodesFrom(db: Queryable, ids: readonly NodeId[]): Promise<Buffer[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ level: number; index: string; hash: Buffer }>(
    `SELECT n.level, n.index, n.hash
       FROM unnest($1::smallint[], $2::bigint[]) AS wanted(level, index)
       JOIN merkle_nodes n ON n.level = wanted.level AND n.index = wanted.index`,
    [ids.map((id) => id.level), ids.map((id) => id.index)],
  );
  const byId = new Map(rows.map((row) => [`${row.level}/${row.index}`, row.hash]));
  return ids.map((id) => {
    const hash = byId.get(`${id.level}/${id.index}`);
    if (hash === undefined) throw new MissingNodeError(id.level, id.index);
    return hash;
  });
}

/** At most `limit` events after position `size`, in order, as the chain covers them. */
export async function eventsAfter(
  client: Queryable,
  size: number,
  limit: number,
): Promise<StoredChainEntry[]> {
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
    [size, limit],
  );
  return rows.map((row) => ({
    position: row.position,
    stream: row.stream_name,
    revision: row.revision,
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
  }));
}
