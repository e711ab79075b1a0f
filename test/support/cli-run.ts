import { resolveDatabase } from '@sunlight/postgres';
import { runCli } from '../../src/cli';

const notUsed = async (): Promise<never> => {
  throw new Error('not used by this command');
};

/**
 * Runs `sunlight <args>` in this process with `env` as its whole environment and the real
 * database resolution, for commands that need neither a build nor the app (witness, export,
 * audit); captures what it writes.
 */
export async function runSunlightInProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(['node', 'sunlight', ...args], {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    now: () => Date.now(),
    resolveDatabase,
    verifyPostgresLog: notUsed,
    checkSnapshots: notUsed,
    checkBlobs: notUsed,
    resolveSnapshotKey: notUsed,
    bootstrap: notUsed,
    openApp: notUsed,
    describeApi: notUsed,
  });
  return { exitCode, stdout, stderr };
}
