import { verifyPostgresLog } from '@sunlight/event-store/postgres';
import { resolveDatabase } from '@sunlight/postgres';
import path from 'node:path';
import { runCli } from '../../src/cli';
import type { CliContext } from '../../src/cli/cli-context';
import { builtCli, ensureBuilt } from './child-app';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sunlight <args>` in this process with `env` as its whole environment (nothing leaks in
 * from the test's own), capturing what it writes.
 */
export async function runSunlight(
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<CliRun> {
  // Rebuild workers are threads, which start compiled JavaScript only: the build `npm test` made.
  ensureBuilt();
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    now: () => Date.now(),
    resolveDatabase,
    verifyPostgresLog,
    bootstrap: async () => {
      throw new Error('runSunlight does not serve');
    },
    rebuildWorkerFile: path.join(path.dirname(builtCli), 'read-models', 'rebuild.worker.js'),
  };
  const exitCode = await runCli(['node', 'sunlight', ...args], context);
  return { exitCode, stdout, stderr };
}
