import type { bootstrap } from '../main';
import type { resolveDatabase } from '@sunlight/postgres';
import type { verifyPostgresLog } from '@sunlight/event-store/postgres';

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
  bootstrap: typeof bootstrap;
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
    bootstrap: async (config) => (await import('../main')).bootstrap(config),
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
