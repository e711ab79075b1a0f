import { verifyPostgresLog } from '@sunlight/event-store/postgres';
import { resolveSnapshotKey } from '@sunlight/keys';
import { resolveDatabase } from '@sunlight/postgres';
import path from 'node:path';
import { runCli } from '../../src/cli';
import type { CliContext } from '../../src/cli/cli-context';
import { checkBlobs } from '../../src/cli/blob-check';
import { checkSnapshots } from '../../src/cli/snapshot-check';
import { progressLinePattern } from '../../src/cli/verify-progress';
import { builtCli, ensureBuilt } from './child-app';

/** `sunlight demo`'s progress on a slow machine (src/cli/demo.command.ts): not a problem. */
const demoProgressLinePattern = /^demo: \d+ of \d+ households written$/;

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /**
   * stderr without its progress lines: what went wrong, if anything. A slow machine writes
   * progress lines on stderr during any long enough command, so an empty stderr is no test.
   */
  problems: string[];
  /** The last line on stdout, where commands state their outcome. */
  lastLine: string | undefined;
}

export interface RunSunlightOptions {
  /** The command's clock; a hurried one makes the progress reporter write every line it may. */
  now?: () => number;
}

/** A clock that jumps `stepMs` at every reading, as a loaded machine's seems to between batches. */
export function hurriedClock(stepMs = 10_000): () => number {
  let nowMs = 0;
  return () => (nowMs += stepMs);
}

/**
 * Runs `sunlight <args>` in this process with `env` as its whole environment (nothing leaks in
 * from the test's own), capturing what it writes.
 */
export async function runSunlight(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: RunSunlightOptions = {},
): Promise<CliRun> {
  // Rebuild workers are threads, which start compiled JavaScript only: the build `npm test` made.
  ensureBuilt();
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    now: options.now ?? (() => Date.now()),
    resolveDatabase,
    verifyPostgresLog,
    checkSnapshots,
    checkBlobs,
    resolveSnapshotKey,
    bootstrap: async () => {
      throw new Error('runSunlight does not serve');
    },
    openApp: async (config) => (await import('../../src/main')).openApp(config),
    describeApi: async (config) => (await import('../../src/main')).describeApi(config),
    rebuildWorkerFile: path.join(path.dirname(builtCli), 'read-models', 'rebuild.worker.js'),
  };
  const exitCode = await runCli(['node', 'sunlight', ...args], context);
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
  return {
    exitCode,
    stdout,
    stderr,
    problems: lines(stderr).filter(
      (line) => !progressLinePattern.test(line) && !demoProgressLinePattern.test(line),
    ),
    lastLine: lines(stdout).at(-1),
  };
}
