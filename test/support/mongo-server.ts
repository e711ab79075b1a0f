import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import path from 'node:path';

/**
 * The MongoDB-wire server shipped on npm (`@jongodb/memory-server-bin-linux-x64-gnu`, an
 * in-memory server in one native binary), started once per test run by the jest globalSetup.
 * Suites always run against it, and against a real MongoDB too when MONGODB_URL is set.
 */
export interface MongoServerHandle {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;
const outputTailChars = 4_000;

export async function startMongoWireServer(): Promise<MongoServerHandle> {
  const binary = path.join(path.dirname(require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json')), 'bin', 'jongodb');
  const port = await freePort();
  const child = spawn(binary, ['--host=127.0.0.1', `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputTailChars);
  };
  // Both pipes are drained for the server's whole life, or a chatty server would block on them.
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitUntilAccepting(child, port, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    url: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    pid: child.pid,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}

/** MongoDB servers the suites run against: the MongoDB-wire test server always, MONGODB_URL's when set. */
export function mongoTargets(): { label: string; url: string }[] {
  const url = process.env.SUNLIGHT_TEST_MONGODB_URL;
  if (!url) throw new Error('SUNLIGHT_TEST_MONGODB_URL is not set: run the tests through jest.config.js (its globalSetup starts the MongoDB-wire server)');
  const targets = [{ label: 'MongoDB-wire test server (jongodb)', url }];
  if (process.env.MONGODB_URL) targets.push({ label: 'MONGODB_URL MongoDB', url: process.env.MONGODB_URL });
  return targets;
}

async function waitUntilAccepting(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (error) => {
    exited = `could not start: ${error.message}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the MongoDB-wire test server ${exited}\n${output()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the MongoDB-wire test server did not accept connections on port ${port} within ${startTimeoutMs} ms\n${output()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
