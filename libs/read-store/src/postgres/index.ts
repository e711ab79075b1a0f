export { PostgresReadStore, type PostgresReadStoreOptions } from './postgres-read-store';
export { runReadStoreMigrations, readStoreMigrations, readStoreSchemaDefault } from './migrations';
export { prepareReadStoreSchema, type ReadStoreSchemaOptions } from './read-store-schema';
