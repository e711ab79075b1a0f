/**
 * The libraries the database commands use, loaded with `import('./app-libraries')` when a command
 * first needs them, so that `sunlight token` never pays for Nest, the drivers or the read models.
 * They are re-exported from here because `nest build` rewrites `@sunlight/*` paths in static
 * import and export declarations only, never inside an `import()`.
 */
export {
  PostgresEventStore,
  projectorRoleName,
  verifyPostgresLog,
} from '@sunlight/event-store/postgres';
export { loadDivisionRegistry } from '@sunlight/geo';
export { resolveDatabase } from '@sunlight/postgres';
export { checkReadModel } from '@sunlight/read-store';
export { prepareDatabaseAccess } from '../database/database-access';
export { openReadStore } from '../read-models/open-read-store';
export { appProjections } from '../read-models/app-projections';
export { rebuildInWorkers } from '../read-models/rebuild-in-workers';
export { checkSnapshots } from './snapshot-check';
export { checkBlobs } from './blob-check';
export { resolveSnapshotKey } from '@sunlight/keys';
export { PostgresChainHashes } from '@sunlight/event-store/postgres';
export { verifySpotCheck } from '@sunlight/oversight';
