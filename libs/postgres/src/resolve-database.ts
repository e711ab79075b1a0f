import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { DatabaseStartupError } from './startup-errors';

export interface DatabaseHandle {
  url: string;
  /** True when the database is the embedded server (started here or by another live process). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  /** From DATABASE_URL; when set, nothing is started. */
  databaseUrl?: string;
  /** Where the embedded cluster lives; default `./.sunlight`. */
  dataDir?: string;
  /** Port of the embedded cluster; default 54329 (5432 is usually a system PostgreSQL). */
  embeddedPort?: number;
  onLog?: (line: string) => void;
  onNotice?: (message: string) => void;
  /**
   * Connect to DATABASE_URL once before returning, so an unreachable server is reported by
   * name at start-up instead of as a driver error from deep inside the app (`serve` does).
   */
  checkReachable?: boolean;
}

export const embeddedPortDefault = 54329;
/** An unroutable host would otherwise hold the start for TCP's own two minutes. */
export const reachableCheckTimeoutMs = 10_000;

/** DATABASE_URL if given, otherwise a PostgreSQL started from npm under `./.sunlight/`. */
export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    if (options.checkReachable === true) await assertReachable(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, close: async () => undefined };
  }
  const handle = await startEmbeddedPostgres({
    dataDir: options.dataDir ?? path.resolve('.sunlight'),
    port: options.embeddedPort ?? embeddedPortDefault,
    database: 'sunlight',
    onLog: options.onLog,
    onNotice: options.onNotice,
  });
  return { url: handle.url, embedded: true, close: () => handle.stop() };
}

/** `host:port` of a PostgreSQL URL; never its user or password. */
export function describeDatabaseTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    return `${host}:${url.port || '5432'}`;
  } catch {
    return 'the server named by DATABASE_URL';
  }
}

/** Connects once and leaves; a refusal becomes a one-line DatabaseStartupError naming host:port. */
export async function assertReachable(databaseUrl: string, settingName = 'DATABASE_URL') {
  const client = new Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: reachableCheckTimeoutMs,
  });
  // A connection dropped after the check must not become an uncaught 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const target = describeDatabaseTarget(databaseUrl);
    throw new DatabaseStartupError(
      'unreachable',
      `cannot reach PostgreSQL at ${target} (${settingName}): ${describeConnectFailure(error)}; ` +
        `check ${settingName} and that the server runs and accepts connections`,
      [],
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describeConnectFailure(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'ETIMEDOUT':
      return `no answer within ${reachableCheckTimeoutMs / 1000} s`;
    case '28P01':
    case '28000':
      // PostgreSQL's message names the user, never the password.
      return `the login was refused (${message})`;
    case '3D000':
      return message;
    default:
      if (/timeout/i.test(message)) return `no answer within ${reachableCheckTimeoutMs / 1000} s`;
      return message;
  }
}
