// Proves that `sunlight verify` reports an intact chain on stdout with exit 0, a broken one on stderr with exit 2, snapshots that differ from the log or fail their seal by stream on stderr with exit 4 (the chain's break winning when both fail), stored files changed or missing by SHA-256 on stderr with exit 9, other failures with exit 1, and shows progress as spaced-out lines when stderr is not a terminal.
import type { ChainVerification } from '@sunlight/integrity';
import type { VerifySnapshotsResult } from '@sunlight/event-store/postgres';
import { runCli } from '../cli';
import type { BlobCheckResult } from './blob-check';
import type { CliContext } from './cli-context';
import { progressLineIntervalMs } from './verify-progress';

function fakeContext(
  overrides: Partial<CliContext> & {
    verification?: ChainVerification | Error;
    storedCheckpoints?: number;
    snapshots?: VerifySnapshotsResult;
    blobs?: BlobCheckResult;
  } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const calls = {
    resolveDatabase: [] as unknown[],
    closed: 0,
    connectionString: '',
    snapshotsAt: '',
  };
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
      return { ...verification, storedCheckpoints: overrides.storedCheckpoints ?? 0 };
    },
    checkSnapshots: async (options) => {
      calls.snapshotsAt = options.connectionString;
      return overrides.snapshots ?? { checked: 0, findings: [] };
    },
    checkBlobs: async () => overrides.blobs ?? { checked: 0, referenced: 0, findings: [] },
    resolveSnapshotKey: async () => ({ secret: 'k'.repeat(48), source: 'configuration' }),
    bootstrap: async () => {
      throw new Error('not used');
    },
    openApp: async () => {
      throw new Error('not used');
    },
    describeApi: async () => {
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
    expect(out.join('')).toBe(
      'verified 400 events; head position 400; head hash ab01\n' +
        'verified 0 snapshots against the log\n' +
        'verified 0 stored files against their SHA-256 names; all 0 the log names are there\n',
    );
    expect(calls.closed).toBe(1);
    expect(calls.snapshotsAt).toBe('postgres://embedded/sunlight');
  });

  it('given stored checkpoints and no log key, when verified, then stderr says they went unchecked', async () => {
    const noKey = { SUNLIGHT_DATA_DIR: '/nonexistent/sunlight-verify-spec' };
    const kept = fakeContext({ env: noKey, storedCheckpoints: 3 });
    expect(await runCli(argv('verify'), kept.context)).toBe(0);
    expect(kept.err.join('')).toContain(
      'the 3 signed checkpoints the database keeps were not checked (pass --log-key)',
    );

    const none = fakeContext({ env: noKey });
    expect(await runCli(argv('verify'), none.context)).toBe(0);
    expect(none.err.join('')).not.toContain('log key');
  });

  it('given --checkpoint without any log key, when verified, then exit 1 naming the flag', async () => {
    const { context, err } = fakeContext({
      env: { SUNLIGHT_DATA_DIR: '/nonexistent/sunlight-verify-spec' },
    });
    expect(await runCli(argv('verify', '--checkpoint', '/tmp/cp.txt'), context)).toBe(1);
    expect(err.join('')).toContain('--checkpoint: no log key');
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

  it('given snapshots that fail, when verified, then each is named on stderr and exit 4', async () => {
    const { context, out, err, calls } = fakeContext({
      snapshots: {
        checked: 3,
        findings: [
          {
            streamName: 'pool-f1.530325',
            revision: 999n,
            problem: 'its seal does not match its content',
          },
          {
            streamName: 'pool-f1.530325',
            revision: 999n,
            problem: 'its state differs from the fold of the log up to its revision',
          },
        ],
      },
    });

    const exitCode = await runCli(argv('verify'), context);

    expect(exitCode).toBe(4);
    expect(out.join('')).toBe('verified 400 events; head position 400; head hash ab01\n');
    const problems = err
      .join('')
      .split('\n')
      .filter((line) => !line.startsWith('verifying:'));
    expect(problems).toEqual([
      'snapshot of pool-f1.530325 at revision 999: its seal does not match its content',
      'snapshot of pool-f1.530325 at revision 999: its state differs from the fold of the log up to its revision',
      expect.stringMatching(/^1 of 3 snapshots differ from the log or fail their seal/),
      '',
    ]);
    expect(calls.closed).toBe(1);
  });

  it('given a stored file changed and one missing, when verified, then each is named on stderr and exit 9', async () => {
    const changed = 'a'.repeat(64);
    const missing = 'b'.repeat(64);
    const { context, out, err } = fakeContext({
      blobs: {
        checked: 5,
        referenced: 5,
        findings: [
          { sha256: changed, problem: 'changed', actualSha256: 'c'.repeat(64) },
          { sha256: missing, problem: 'missing', namedBy: 'project-prj-530325102202-1' },
        ],
      },
    });
    expect(await runCli(argv('verify'), context)).toBe(9);
    expect(out.join('')).toContain('verified 0 snapshots against the log\n');
    expect(err.join('')).toContain(
      `stored file ${changed} changed: its bytes now hash to ${'c'.repeat(64)}\n`,
    );
    expect(err.join('')).toContain(
      `stored file ${missing} is missing from ./.sunlight/blobs (named by project-prj-530325102202-1)\n`,
    );
    expect(err.join('')).toContain('1 stored files changed and 1 named by the log are missing');
  });

  it('given a broken chain and a bad snapshot, when verified, then both are named and exit 2', async () => {
    const { context, err } = fakeContext({
      verification: {
        ok: false,
        eventsChecked: 41,
        firstBreak: { kind: 'hash_mismatch', position: '42', detail: 'stored hash differs' },
      },
      snapshots: {
        checked: 1,
        findings: [{ streamName: 'pool-f1.53', revision: 5n, problem: 'it carries no seal' }],
      },
    });
    expect(await runCli(argv('verify'), context)).toBe(2);
    expect(err.join('')).toContain('snapshot of pool-f1.53 at revision 5: it carries no seal\n');
    expect(err.join('')).toContain('chain broken at position 42');
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
