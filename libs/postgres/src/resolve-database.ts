import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseHandle {
  url: string;
  /** True when this process started the server (and so must stop it). */
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
}

export const embeddedPortDefault = 54329;

/** DATABASE_URL if given, otherwise a PostgreSQL started from npm under `./.sunlight/`. */
export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, close: async () => undefined };
  }
  const handle = await startEmbeddedPostgres({
    dataDir: options.dataDir ?? path.resolve('.sunlight'),
    port: options.embeddedPort ?? embeddedPortDefault,
    database: 'sunlight',
    onLog: options.onLog,
  });
  return { url: handle.url, embedded: true, close: () => handle.stop() };
}
