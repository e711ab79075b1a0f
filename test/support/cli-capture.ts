import { verifyPostgresLog } from '@sunlight/event-store';
import { resolveDatabase } from '@sunlight/postgres';
import { runCli } from '../../src/cli';
import type { CliContext } from '../../src/cli/cli-context';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sunlight <args>` in this process with `env` as its whole environment (nothing leaks in
 * from the test's own), capturing what it writes.
 */
export async function runSunlight(args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
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
  };
  const exitCode = await runCli(['node', 'sunlight', ...args], context);
  return { exitCode, stdout, stderr };
}
