import { shortLivedPool } from './short-lived-pool';
import {
  verifyPostgresSnapshots,
  type SnapshotFolder,
  type VerifySnapshotsResult,
} from '@sunlight/event-store/postgres';
import { poolSnapshotFolder } from '@sunlight/funds';

/**
 * Every snapshot schema the command path writes, so `sunlight verify` can fold each snapshotted
 * stream; a context that starts taking snapshots adds its folder here, or verify reports its
 * snapshots as unknown.
 */
export const snapshotFolders: readonly SnapshotFolder[] = [poolSnapshotFolder];

export interface SnapshotCheckOptions {
  connectionString: string;
  /** Resolved only when there is a snapshot to check, so a log without any needs no key. */
  sealKey: () => Promise<string>;
}

/** Checks every stored snapshot's seal and compares it with the fold of its stream. */
export async function checkSnapshots(
  options: SnapshotCheckOptions,
): Promise<VerifySnapshotsResult> {
  const pool = shortLivedPool(options.connectionString);
  try {
    const { rows } = await pool.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM snapshots) AS any',
    );
    if (!rows[0].any) return { checked: 0, findings: [] };
    return await verifyPostgresSnapshots(pool, {
      sealKey: await options.sealKey(),
      folders: snapshotFolders,
    });
  } finally {
    await pool.end();
  }
}
