import type { bootstrap, describeApi, openApp } from '../main';
import type { resolveDatabase } from '@sunlight/postgres';
import type { verifyPostgresLog } from '@sunlight/event-store/postgres';
import type { resolveSnapshotKey } from '@sunlight/keys';
import type { checkBlobs } from './blob-check';
import type { checkSnapshots } from './snapshot-check';

/** Where a command writes; a test passes its own to read the output back. */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Everything a command touches outside its own code, gathered so commands are testable without
 * a real terminal, environment or database.
 */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  stdout: CliOutput;
  stderr: CliOutput;
  /** Milliseconds; only used to space out progress lines. */
  now(): number;
  resolveDatabase: typeof resolveDatabase;
  verifyPostgresLog: typeof verifyPostgresLog;
  checkSnapshots: typeof checkSnapshots;
  checkBlobs: typeof checkBlobs;
  resolveSnapshotKey: typeof resolveSnapshotKey;
  bootstrap: typeof bootstrap;
  openApp: typeof openApp;
  describeApi: typeof describeApi;
  /**
   * The compiled script of a rebuild worker thread, when not beside the code (tests run the CLI
   * from TypeScript sources; a worker thread can only start compiled JavaScript).
   */
  rebuildWorkerFile?: string;
}

/**
 * Each dependency is loaded when first called, so that a command loads only what it uses:
 * `sunlight token` needs a key and the division registry, not Nest, the driver or the app.
 */
export function processCliContext(): CliContext {
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => Date.now(),
    resolveDatabase: async (options) => (await import('./app-libraries')).resolveDatabase(options),
    verifyPostgresLog: async (options) =>
      (await import('./app-libraries')).verifyPostgresLog(options),
    checkSnapshots: async (options) => (await import('./app-libraries')).checkSnapshots(options),
    checkBlobs: async (options) => (await import('./app-libraries')).checkBlobs(options),
    resolveSnapshotKey: async (config) =>
      (await import('./app-libraries')).resolveSnapshotKey(config),
    bootstrap: async (config) => (await import('../main')).bootstrap(config),
    openApp: async (config) => (await import('../main')).openApp(config),
    describeApi: async (config) => (await import('../main')).describeApi(config),
  };
}

/** An expected failure: its message is printed as is and the process exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
