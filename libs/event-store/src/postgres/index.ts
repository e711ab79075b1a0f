export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export {
  verifyPostgresLog,
  type VerifyPostgresLogOptions,
  type PostgresLogVerification,
  type LogCheckpointOptions,
  type CheckpointVerification,
} from './verify-postgres-log';
export { runMigrations, migrations, appRoleName, projectorRoleName } from './migrations';
export { encodePosition, decodePosition } from './positions';
export { PostgresProcessorCheckpoints } from './postgres-processor-checkpoints';
export { PostgresClaimIndex } from './postgres-claim-index';
export { PostgresChainHashes } from './postgres-chain-hashes';
export { loginProblems } from './database-roles';
export { toUnavailable } from './unavailable';
export {
  PostgresSnapshotStore,
  type PostgresSnapshotStoreOptions,
  type RejectedSnapshot,
} from './postgres-snapshot-store';
export {
  verifyPostgresSnapshots,
  type SnapshotFinding,
  type SnapshotFolder,
  type VerifySnapshotsResult,
} from './verify-snapshots';
