// Proves that `sunlight verify` reports an intact chain on stdout with exit 0, a broken one on stderr with exit 2, other failures with exit 1, and shows progress as spaced-out lines when stderr is not a terminal.
import type { ChainVerification } from '@sunlight/integrity';
import { runCli } from '../cli';
import type { CliContext } from './cli-context';
import { progressLineIntervalMs } from './verify-progress';

function fakeContext(
  overrides: Partial<CliContext> & { verification?: ChainVerification | Error } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const calls = { resolveDatabase: [] as unknown[], closed: 0, connectionString: '' };
  let clockMs = 0;
  const context: CliContext = {
    env: {},
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    now: () => clockMs,
    resolveDatabase: async (options) => {
      calls.resolveDatabase.push(options);
      return {
        url: options.databaseUrl ?? 'postgres://embedded/sunlight',
        embedded: !options.databaseUrl,
        close: async () => void calls.closed++,
      };
    },
    verifyPostgresLog: async (options) => {
      calls.connectionString = options.connectionString;
      for (const checked of [0, 100, 200, 300]) {
        clockMs += progressLineIntervalMs;
        options.onProgress?.(checked, 400);
      }
      const verification = overrides.verification ?? {
        ok: true,
        eventsChecked: 400,
        headPosition: '400',
        headHash: Buffer.from('ab01', 'hex'),
      };
      if (verification instanceof Error) throw verification;
      return verification;
    },
    bootstrap: async () => {
      throw new Error('not used');
    },
    ...overrides,
  };
  return { context, out, err, calls };
}

const argv = (...args: string[]) => ['node', 'sunlight', ...args];

describe('sunlight verify', () => {
  it('given an intact chain, when verified, then one summary line on stdout and exit 0', async () => {
    const { context, out, calls } = fakeContext();

    const exitCode = await runCli(argv('verify'), context);

    expect(exitCode).toBe(0);
    expect(out.join('')).toBe('verified 400 events; head position 400; head hash ab01\n');
    expect(calls.closed).toBe(1);
  });

  it('given no DATABASE_URL, when verified, then the embedded database under SUNLIGHT_DATA_DIR is used', async () => {
    const { context, calls } = fakeContext({
      env: { SUNLIGHT_DATA_DIR: '/srv/sunlight', EMBEDDED_PG_PORT: '6000' },
    });
    await runCli(argv('verify'), context);
    expect(calls.resolveDatabase).toEqual([
      expect.objectContaining({
        databaseUrl: undefined,
        dataDir: '/srv/sunlight',
        embeddedPort: 6000,
      }),
    ]);
  });

  it('given --database-url, when verified, then it wins over DATABASE_URL', async () => {
    const { context, calls } = fakeContext({ env: { DATABASE_URL: 'postgres://env/db' } });
    await runCli(argv('verify', '--database-url', 'postgres://flag/db'), context);
    expect(calls.connectionString).toBe('postgres://flag/db');
  });

  it('given a broken chain, when verified, then the first break on stderr and exit 2', async () => {
    const { context, out, err, calls } = fakeContext({
      verification: {
        ok: false,
        eventsChecked: 41,
        firstBreak: { kind: 'hash_mismatch', position: '42', detail: 'stored hash differs' },
      },
    });

    const exitCode = await runCli(argv('verify'), context);

    expect(exitCode).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toContain(
      'chain broken at position 42: hash_mismatch: stored hash differs\n',
    );
    expect(calls.closed).toBe(1);
  });

  it('given an unreachable database, when verified, then a clear message and exit 1', async () => {
    const { context, err, calls } = fakeContext({
      verification: new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    });

    expect(await runCli(argv('verify', '--database-url', 'postgres://nowhere/db'), context)).toBe(
      1,
    );
    expect(err.join('')).toContain('sunlight: connect ECONNREFUSED 127.0.0.1:5432');
    expect(calls.closed).toBe(1);
  });

  it('given a bad configuration, when verified, then the variable is named and exit 1', async () => {
    const { context, err } = fakeContext();
    expect(await runCli(argv('verify', '--database-url', 'mysql://x/y'), context)).toBe(1);
    expect(err.join('')).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
  });

  it('given stderr is not a terminal, when verifying, then plain progress lines and no bar', async () => {
    const { context, err } = fakeContext();
    await runCli(argv('verify'), context);
    expect(err).toEqual([
      'verifying: 0/400 events (0%)\n',
      'verifying: 100/400 events (25%)\n',
      'verifying: 200/400 events (50%)\n',
      'verifying: 300/400 events (75%)\n',
    ]);
  });

  it('given an unknown command, when run, then commander explains and exit 1', async () => {
    const { context, err } = fakeContext();
    expect(await runCli(argv('frobnicate'), context)).toBe(1);
    expect(err.join('')).toContain("unknown command 'frobnicate'");
  });
});
