import { resolveKeptSecret, type KeptSecret } from './kept-secret';

/** An HMAC-SHA256 key should be at least as long as its output. */
export const snapshotKeyLengthMin = 32;
export const snapshotKeyFileName = 'snapshot-key';

/**
 * The key that seals snapshots (SUNLIGHT_SNAPSHOT_KEY). It must not live in the database the
 * snapshots are in: whoever could read it there could forge a sealed snapshot. Unset, it is
 * generated once and kept in `<dataDir>/snapshot-key` (mode 0600). Several instances on one
 * database must share it, so production sets the variable.
 */
export function resolveSnapshotKey(config: {
  snapshotKey?: string;
  dataDir: string;
}): Promise<KeptSecret> {
  return resolveKeptSecret({
    what: 'snapshot sealing key',
    variable: 'SUNLIGHT_SNAPSHOT_KEY',
    configured: config.snapshotKey,
    dataDir: config.dataDir,
    fileName: snapshotKeyFileName,
    lengthMin: snapshotKeyLengthMin,
    generatedBytes: 48,
  });
}
