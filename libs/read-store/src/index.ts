export * from './read-store.port';
export * from './projection';
export * from './errors';
export * from './projection-runner';
export {
  recompute,
  compareWithStore,
  checkReadModel,
  matchesFilter,
  applyEvents,
  type ProjectionDifference,
  type CompareWithStoreOptions,
  type CheckReadModelOptions,
} from './recompute';
export { PostgresReadStore, type PostgresReadStoreOptions } from './postgres/postgres-read-store';
export { runReadStoreMigrations, readStoreMigrations } from './postgres/migrations';
export {
  MongoReadStore,
  collectionName,
  type MongoReadStoreOptions,
} from './mongodb/mongodb-read-store';
export * from './tokens';
export { ReadModelViewCache } from './view-cache';
