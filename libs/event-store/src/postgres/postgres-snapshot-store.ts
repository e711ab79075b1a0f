import type { Pool } from 'pg';
import type { JsonObject } from '../event-store.port';
import type { Snapshot, SnapshotStore } from '../snapshot-store.port';

/** Snapshots in the `snapshots` table, beside (never inside) the audited log. */
export class PostgresSnapshotStore implements SnapshotStore {
  constructor(private readonly pool: Pool) {}

  async load(streamName: string, schemaVersion: number): Promise<Snapshot | undefined> {
    const { rows } = await this.pool.query<{ revision: string; state: JsonObject }>({
      name: 'sunlight_snapshot_load',
      text: 'SELECT revision, state FROM snapshots WHERE stream_name = $1 AND schema_version = $2',
      values: [streamName, schemaVersion],
    });
    if (rows.length === 0) return undefined;
    return { streamName, schemaVersion, revision: BigInt(rows[0].revision), state: rows[0].state };
  }

  async save(snapshot: Snapshot): Promise<void> {
    await this.pool.query({
      name: 'sunlight_snapshot_save',
      text: `INSERT INTO snapshots (stream_name, schema_version, revision, state, taken_at)
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (stream_name) DO UPDATE
               SET schema_version = EXCLUDED.schema_version, revision = EXCLUDED.revision,
                   state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
             WHERE snapshots.revision < EXCLUDED.revision OR snapshots.schema_version <> EXCLUDED.schema_version`,
      values: [
        snapshot.streamName,
        snapshot.schemaVersion,
        snapshot.revision.toString(),
        JSON.stringify(snapshot.state),
      ],
    });
  }
}
