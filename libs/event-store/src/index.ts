export * from './event-store.port';
export * from './errors';
export * from './decider';
export * from './append-validation';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { verifyPostgresLog, type VerifyPostgresLogOptions } from './postgres/verify-postgres-log';
export { runMigrations, migrations, appRoleName } from './postgres/migrations';
export { encodePosition, decodePosition } from './postgres/positions';
