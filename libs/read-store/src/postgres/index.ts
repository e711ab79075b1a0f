export { PostgresReadStore, type PostgresReadStoreOptions } from './postgres-read-store';
export { runReadStoreMigrations, readStoreMigrations } from './migrations';
