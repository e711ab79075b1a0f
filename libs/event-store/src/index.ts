export * from './event-store.port';
export * from './errors';
export * from './append-validation';
export {
  PostgresEventStore,
  type PostgresEventStoreOptions,
} from './postgres/postgres-event-store';
export { verifyPostgresLog, type VerifyPostgresLogOptions } from './postgres/verify-postgres-log';
export { runMigrations, migrations, appRoleName } from './postgres/migrations';
export { encodePosition, decodePosition } from './postgres/positions';
export * from './snapshot-store.port';
export * from './decider-handler';
export { PostgresSnapshotStore } from './postgres/postgres-snapshot-store';
export * from './processor-checkpoint.port';
export * from './tokens';
export { PostgresProcessorCheckpoints } from './postgres/postgres-processor-checkpoints';
export * from './transfer-index.port';
export { PostgresTransferIndex } from './postgres/postgres-transfer-index';
export * from './state-cache';
export { collectFirst } from './collect';
export * from './keyed-mutex';
export * from './envelope';
export * from './claim-index.port';
