import type { Pool } from 'pg';
import { canonicalJson } from '@sunlight/integrity';
import type { JsonObject, RecordedEvent } from '../event-store.port';
import { snapshotSealProblem } from '../snapshot-seal';
import { toRecordedEvent, type EventRow } from './event-rows';

/** How the streams of one snapshot schema fold, so a stored snapshot can be compared with the log. */
export interface SnapshotFolder {
  schemaVersion: number;
  /** Whether this folder folds `streamName` (its category). */
  folds(streamName: string): boolean;
  /** The snapshot JSON of the stream's state after `events`, as the command path writes it. */
  fold(events: readonly RecordedEvent[]): JsonObject;
}

export interface SnapshotFinding {
  streamName: string;
  revision: bigint;
  problem: string;
}

export interface VerifySnapshotsResult {
  checked: number;
  findings: SnapshotFinding[];
}

/**
 * Checks every stored snapshot: its seal, and that it equals the fold of its stream up to its
 * revision. A snapshot nobody can fold (an unknown schema) is reported too: the app would never
 * load it, and nothing should be left that looks like state without being checkable.
 */
export async function verifyPostgresSnapshots(
  pool: Pool,
  options: { sealKey: string; folders: readonly SnapshotFolder[] },
): Promise<VerifySnapshotsResult> {
  const { rows } = await pool.query<{
    stream_name: string;
    schema_version: number;
    revision: string;
    state: JsonObject;
    chain_hash: Buffer | null;
    seal: Buffer | null;
    event_hash: Buffer | null;
  }>(
    `SELECT s.stream_name, s.schema_version, s.revision, s.state, s.chain_hash, s.seal, e.hash AS event_hash
       FROM snapshots s
       LEFT JOIN events e ON e.stream_name = s.stream_name AND e.revision = s.revision
      ORDER BY s.stream_name`,
  );
  const findings: SnapshotFinding[] = [];
  for (const row of rows) {
    const snapshot = {
      streamName: row.stream_name,
      schemaVersion: row.schema_version,
      revision: BigInt(row.revision),
      state: row.state,
    };
    const report = (problem: string) =>
      findings.push({ streamName: snapshot.streamName, revision: snapshot.revision, problem });
    const sealProblem = snapshotSealProblem(
      options.sealKey,
      snapshot,
      { seal: row.seal, chainHash: row.chain_hash },
      row.event_hash,
    );
    if (sealProblem !== undefined) report(sealProblem);
    const folder = options.folders.find(
      (candidate) =>
        candidate.schemaVersion === snapshot.schemaVersion && candidate.folds(snapshot.streamName),
    );
    if (folder === undefined) {
      report(`no fold is known for schema version ${snapshot.schemaVersion} of this stream`);
      continue;
    }
    const events = await readUpTo(pool, snapshot.streamName, snapshot.revision);
    if (canonicalJson(folder.fold(events)) !== canonicalJson(snapshot.state)) {
      report('its state differs from the fold of the log up to its revision');
    }
  }
  return { checked: rows.length, findings };
}

async function readUpTo(
  pool: Pool,
  streamName: string,
  revision: bigint,
): Promise<RecordedEvent[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT position, stream_name, revision, event_id, type, data, metadata, recorded_at
       FROM events WHERE stream_name = $1 AND revision <= $2 ORDER BY revision`,
    [streamName, revision.toString()],
  );
  return rows.map(toRecordedEvent);
}
