import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../libs/postgres/src/embedded-postgres';
import { createTestDatabase } from './test-database';

declare global {
  // eslint-disable-next-line no-var
  var __sunlightEmbeddedPostgres: EmbeddedPostgresHandle | undefined;
}

/**
 * Starts one embedded PostgreSQL (the npm package's PostgreSQL 18) for the whole run. Test files
 * create their own databases on it, so they never see each other's events.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-test-pg-'));
  const port = await freePort();
  const handle = await startEmbeddedPostgres({ dataDir, port, database: 'sunlight_test', ephemeral: true });
  globalThis.__sunlightEmbeddedPostgres = handle;
  process.env.SUNLIGHT_TEST_PG_ADMIN_URL = handle.url.replace(/\/[^/]*$/, '/postgres');
  process.env.SUNLIGHT_TEST_DATABASE_URL = await createTestDatabase(process.env.SUNLIGHT_TEST_PG_ADMIN_URL, 'app');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
