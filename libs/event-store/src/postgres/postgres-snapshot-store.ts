import type { Pool } from 'pg';
import type { JsonObject } from '../event-store.port';
import { sealSnapshot, snapshotSealProblem } from '../snapshot-seal';
import type { RejectedSnapshot, Snapshot, SnapshotStore } from '../snapshot-store.port';

export type { RejectedSnapshot } from '../snapshot-store.port';

export interface PostgresSnapshotStoreOptions {
  /** The HMAC key of the seals (SUNLIGHT_SNAPSHOT_KEY); never stored in the database. */
  sealKey: string;
  /** Told of every snapshot refused at load, so it is logged and counted, never silently used. */
  onRejected?: (rejected: RejectedSnapshot) => void;
}

interface SnapshotRow {
  revision: string;
  state: JsonObject;
  chain_hash: Buffer | null;
  seal: Buffer | null;
  event_hash: Buffer | null;
}

/**
 * Snapshots in the `snapshots` table, beside (never inside) the audited log. Each is sealed to
 * the event it was folded up to (see snapshot-seal.ts); one whose seal fails is not loaded.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  /** Snapshots refused at load since start, for /metrics. */
  rejectedCount = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresSnapshotStoreOptions,
  ) {}

  async load(streamName: string, schemaVersion: number): Promise<Snapshot | undefined> {
    const { rows } = await this.pool.query<SnapshotRow>({
      name: 'sunlight_snapshot_load',
      text: `SELECT s.revision, s.state, s.chain_hash, s.seal, e.hash AS event_hash
               FROM snapshots s
               LEFT JOIN events e ON e.stream_name = s.stream_name AND e.revision = s.revision
              WHERE s.stream_name = $1 AND s.schema_version = $2`,
      values: [streamName, schemaVersion],
    });
    if (rows.length === 0) return undefined;
    const row = rows[0];
    const snapshot: Snapshot = {
      streamName,
      schemaVersion,
      revision: BigInt(row.revision),
      state: row.state,
    };
    const problem = snapshotSealProblem(
      this.options.sealKey,
      snapshot,
      { seal: row.seal, chainHash: row.chain_hash },
      row.event_hash,
    );
    if (problem === undefined) return snapshot;
    this.rejectedCount += 1;
    this.options.onRejected?.({ streamName, revision: snapshot.revision, reason: problem });
    return undefined;
  }

  async save(snapshot: Snapshot): Promise<void> {
    const { rows } = await this.pool.query<{ hash: Buffer }>({
      name: 'sunlight_snapshot_event_hash',
      text: 'SELECT hash FROM events WHERE stream_name = $1 AND revision = $2',
      values: [snapshot.streamName, snapshot.revision.toString()],
    });
    // A snapshot of a revision the log does not hold (yet) would never load; it is not taken.
    if (rows.length === 0) return;
    const chainHash = rows[0].hash;
    await this.pool.query({
      name: 'sunlight_snapshot_save',
      text: `INSERT INTO snapshots (stream_name, schema_version, revision, state, taken_at, chain_hash, seal)
             VALUES ($1, $2, $3, $4, now(), $5, $6)
             ON CONFLICT (stream_name) DO UPDATE
               SET schema_version = EXCLUDED.schema_version, revision = EXCLUDED.revision,
                   state = EXCLUDED.state, taken_at = EXCLUDED.taken_at,
                   chain_hash = EXCLUDED.chain_hash, seal = EXCLUDED.seal
             WHERE snapshots.revision < EXCLUDED.revision OR snapshots.schema_version <> EXCLUDED.schema_version`,
      values: [
        snapshot.streamName,
        snapshot.schemaVersion,
        snapshot.revision.toString(),
        JSON.stringify(snapshot.state),
        chainHash,
        sealSnapshot(this.options.sealKey, snapshot, chainHash),
      ],
    });
  }
}
