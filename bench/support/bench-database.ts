import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@sunlight/postgres';
import { freePort } from './free-port';

/**
 * A fresh database for one benchmark run: a new embedded PostgreSQL by default, or a new
 * database on the server that `--database-url` names (never the database itself, which may
 * hold real data).
 */
export async function benchDatabase(
  databaseUrl: string | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  if (databaseUrl) {
    const name = `sunlight_bench_${Date.now()}`;
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      close: async () => {
        const dropper = new Client({ connectionString: admin.toString() });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-bench-pg-'));
  const handle = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database: 'sunlight_bench',
    ephemeral: true,
  });
  return { url: handle.url, close: () => handle.stop() };
}
