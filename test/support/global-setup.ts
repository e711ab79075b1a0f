import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../../libs/postgres/src/embedded-postgres';
import { startMongoWireServer, type MongoServerHandle } from './mongo-server';
import { createTestDatabase } from './test-database';
import { freePort } from '../../bench/support/free-port';

declare global {
  var __sunlightEmbeddedPostgres: EmbeddedPostgresHandle | undefined;
  var __sunlightMongoServer: MongoServerHandle | undefined;
}

/**
 * Starts one embedded PostgreSQL (the npm package's PostgreSQL 18) and one MongoDB-wire server
 * (the npm package's jongodb) for the whole run. Test files create their own databases on them,
 * so they never see each other's data. Either failing to start fails the run.
 */
export default async function globalSetup(): Promise<void> {
  const [postgres, mongo] = await Promise.allSettled([startPostgres(), startMongoWireServer()]);
  if (postgres.status === 'fulfilled') globalThis.__sunlightEmbeddedPostgres = postgres.value;
  if (mongo.status === 'fulfilled') {
    globalThis.__sunlightMongoServer = mongo.value;
    process.env.SUNLIGHT_TEST_MONGODB_URL = mongo.value.url;
  }
  if (postgres.status === 'rejected' || mongo.status === 'rejected') {
    await globalThis.__sunlightEmbeddedPostgres?.stop();
    await globalThis.__sunlightMongoServer?.stop();
    throw postgres.status === 'rejected'
      ? postgres.reason
      : (mongo as PromiseRejectedResult).reason;
  }
  process.env.SUNLIGHT_TEST_PG_ADMIN_URL = postgres.value.url.replace(/\/[^/]*$/, '/postgres');
  process.env.SUNLIGHT_TEST_DATABASE_URL = await createTestDatabase(
    process.env.SUNLIGHT_TEST_PG_ADMIN_URL,
    'app',
  );
}

async function startPostgres(): Promise<EmbeddedPostgresHandle> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-test-pg-'));
  const port = await freePort();
  return startEmbeddedPostgres({ dataDir, port, database: 'sunlight_test', ephemeral: true });
}
