import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import path from 'node:path';
import { stopChild } from './child-process';
import { freePort } from './free-port';
import { peakRssMbOf } from './proc-status';

/**
 * The npm-shipped MongoDB-wire server (`@jongodb/memory-server-bin-linux-x64-gnu`, one native
 * binary, in memory), started for a benchmark run, and once per test run by the jest
 * globalSetup (`test/support/mongo-server.ts`).
 */
export interface MongoWireServer {
  url: string;
  pid: number | undefined;
  /** Peak resident memory so far (VmHWM), in MB; undefined when /proc is not readable. */
  peakRssMb(): number | undefined;
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 5_000;
const outputTailChars = 4_000;

export async function startMongoWireServer(): Promise<MongoWireServer> {
  const binary = path.join(
    path.dirname(require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json')),
    'bin',
    'jongodb',
  );
  const port = await freePort();
  const child = spawn(binary, ['--host=127.0.0.1', `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputTailChars);
  };
  // Both pipes are drained for the server's whole life, or a chatty server would block on them.
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  // A crash of the bench or of jest must not leave the server running.
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
    peakRssMb: () => (child.pid === undefined ? undefined : peakRssMbOf(child.pid)),
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child, stopTimeoutMs);
    },
  };
}

async function waitUntilAccepting(
  child: ChildProcess,
  port: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (error) => {
    exited = `could not start: ${error.message}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the MongoDB-wire server ${exited}\n${output()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the MongoDB-wire server did not accept connections on port ${port} within ${startTimeoutMs} ms\n${output()}`,
  );
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
