import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopChild } from './child-process';
import { freePort } from './free-port';
import { cpuSecondsOf, peakRssMbOf } from './proc-status';

/** What `/health` says about one projection (`details.projections.<name>`). */
export interface ProjectionHealth {
  state: string;
  lagEvents: number | null;
  lagMs: number | null;
}

export interface AppProcess {
  port: number;
  pid: number | undefined;
  /** The projections' part of `/health`, whatever its status code. */
  projections(): Promise<Record<string, ProjectionHealth>>;
  /** Resolves once `/health` is 200 and every projection is live with no lag. */
  whenCaughtUp(timeoutMs: number): Promise<void>;
  peakRssMb(): number | undefined;
  /** CPU seconds the app process has used so far. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

const startTimeoutMs = 120_000;
const stopTimeoutMs = 15_000;

/**
 * The app as production runs it, in its own process (`node dist/src/cli.js serve`), so the load
 * generator and the measuring code never share its event loop.
 */
export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/app-profile" to profile the app.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  // BENCH_APP_DIR=/path/to/another/checkout serves its build instead (built there), so two
  // versions of the app can be measured alternately by the same benchmark code.
  const cli = path.resolve(process.env.BENCH_APP_DIR ?? '.', 'dist/src/cli.js');
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A crash of the bench must not leave the app running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const base = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    port,
    pid: child.pid,
    projections: async () => projectionsOf(await (await fetch(`${base}/health`)).json()),
    whenCaughtUp: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      while (Date.now() < deadline) {
        assertRunning(child);
        try {
          const response = await fetch(`${base}/health`);
          const body: unknown = await response.json();
          last = `${response.status} ${JSON.stringify(body)}`;
          const projections = Object.values(projectionsOf(body));
          if (
            response.ok &&
            projections.length > 0 &&
            projections.every((p) => p.state === 'live' && p.lagEvents === 0)
          )
            return;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(
        `the app's projections did not catch up within ${timeoutMs} ms; last /health: ${last}`,
      );
    },
    peakRssMb: () => (child.pid === undefined ? undefined : peakRssMbOf(child.pid)),
    cpuSeconds: () => (child.pid === undefined ? undefined : cpuSecondsOf(child.pid)),
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child, stopTimeoutMs);
    },
  };
  try {
    await app.whenCaughtUp(startTimeoutMs);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

/**
 * `details.projections` of a terminus health body: the indicator's `status` beside one entry per
 * projection, so only the entries that are objects are projections.
 */
function projectionsOf(body: unknown): Record<string, ProjectionHealth> {
  const details =
    (body as { details?: { projections?: Record<string, unknown> } }).details?.projections ?? {};
  return Object.fromEntries(
    Object.entries(details).filter(
      (entry): entry is [string, ProjectionHealth] =>
        typeof entry[1] === 'object' && entry[1] !== null,
    ),
  );
}

function assertRunning(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null)
    throw new Error(`the app exited (${child.signalCode ?? child.exitCode})`);
}
