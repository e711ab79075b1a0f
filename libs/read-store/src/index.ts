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
export * from './tokens';
export { ReadModelViewCache } from './view-cache';
