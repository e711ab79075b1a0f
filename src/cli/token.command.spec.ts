// Proves that `sunlight token` prints only a token the server accepts, signed with the same key resolution as the server, and refuses an unknown role, an unknown or malformed division and a bad lifetime with exit 1 and a clear message.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyAccessToken } from '@sunlight/auth';
import { runCli } from '../cli';
import type { CliContext } from './cli-context';

const secret = 't'.repeat(40);

function fakeContext(env: CliContext['env'] = { JWT_SECRET: secret }) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    env,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    now: () => 0,
    resolveDatabase: async () => {
      throw new Error('not used');
    },
    verifyPostgresLog: async () => {
      throw new Error('not used');
    },
    checkBlobs: async () => {
      throw new Error('not used');
    },
    checkSnapshots: async () => {
      throw new Error('not used');
    },
    resolveSnapshotKey: async () => {
      throw new Error('not used');
    },
    bootstrap: async () => {
      throw new Error('not used');
    },
    openApp: async () => {
      throw new Error('not used');
    },
    describeApi: async () => {
      throw new Error('not used');
    },
  };
  return { context, out, err };
}

const argv = (...args: string[]) => ['node', 'sunlight', 'token', ...args];

describe('sunlight token', () => {
  it('given a user, role and division, when run, then stdout is one line holding a token for that actor', async () => {
    const { context, out, err } = fakeContext();

    const exitCode = await runCli(
      argv('--user', 'u1', '--role', 'finance', '--division', '530325', '--name', '张三'),
      context,
    );

    expect(exitCode).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verified = verifyAccessToken(secret, out[0]!.trim());
    expect(verified).toMatchObject({
      actor: { id: 'u1', role: 'finance', division: '530325' },
      name: '张三',
    });
  });

  it('given an integrator with scopes, when run, then the token carries its division and scopes', async () => {
    const { context, out, err } = fakeContext();

    const exitCode = await runCli(
      argv(
        ...['--user', 'province-platform', '--role', 'integrator', '--division', '53'],
        ...['--scope', 'Disbursement', '--scope', 'Allocation', '--scope', 'personal-data'],
      ),
      context,
    );

    expect({ exitCode, err }).toEqual({ exitCode: 0, err: [] });
    expect(verifyAccessToken(secret, out[0]!.trim())).toMatchObject({
      actor: { id: 'province-platform', role: 'integrator', division: '53' },
      scopes: ['Disbursement', 'Allocation', 'personal-data'],
    });
  });

  it('given --expires-in 30m, when run, then the token lives 30 minutes', async () => {
    const { context, out } = fakeContext();

    await runCli(
      argv('--user', 'u1', '--role', 'approver', '--division', '5303', '--expires-in', '30m'),
      context,
    );

    const payload = JSON.parse(
      Buffer.from(out[0]!.split('.')[1]!, 'base64url').toString('utf8'),
    ) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(30 * 60);
  });

  it('given no JWT_SECRET, when run, then the key is the one kept in SUNLIGHT_DATA_DIR, as the server resolves it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-token-'));
    try {
      const { context, out } = fakeContext({ SUNLIGHT_DATA_DIR: dataDir });

      expect(
        await runCli(argv('--user', 'u1', '--role', 'admin', '--division', '53'), context),
      ).toBe(0);

      const keptSecret = (await readFile(path.join(dataDir, 'jwt-secret'), 'utf8')).trim();
      expect(verifyAccessToken(keptSecret, out[0]!.trim()).actor.role).toBe('admin');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      ['--role', 'public', '--division', '530325'],
      'unknown role "public": --role must be one of finance, approver, bank, commission, village_staff, integrator, admin',
    ],
    [
      ['--role', 'finance', '--division', '539999'],
      'unknown division 539999: --division must be a code in the division registry',
    ],
    [
      ['--role', 'finance', '--division', 'fuyuan'],
      '--division must be a division code (行政区划代码)',
    ],
    [
      ['--role', 'finance', '--division', '530325', '--scope', 'Disbursement'],
      '--scope: only an integrator token carries scopes (finance)',
    ],
    [
      ['--role', 'integrator', '--division', '53'],
      '--scope: an integrator token needs at least one event-type scope',
    ],
    [
      ['--role', 'integrator', '--division', '53', '--scope', 'personal-data'],
      '--scope: an integrator token needs at least one event-type scope',
    ],
    [
      ['--role', 'integrator', '--division', '53', '--scope', 'disbursement'],
      '--scope: scope "disbursement" is neither "personal-data" nor an event-type prefix',
    ],
    [
      ['--role', 'finance', '--division', '530325', '--expires-in', '1y'],
      '--expires-in must look like 90s, 30m, 8h or 7d (got "1y")',
    ],
    [
      ['--role', 'finance', '--division', '530325', '--expires-in', '90d'],
      '--expires-in must be from 1 second to 31 days',
    ],
  ])(
    'given %j, when run, then exit 1 with a clear message and nothing on stdout',
    async (args, message) => {
      const { context, out, err } = fakeContext();

      expect(await runCli(argv('--user', 'u1', ...args), context)).toBe(1);

      expect(out).toEqual([]);
      expect(err.join('')).toContain(message);
    },
  );

  it('given no --user, when run, then commander names the missing option and exit 1', async () => {
    const { context, out, err } = fakeContext();

    expect(await runCli(argv('--role', 'finance', '--division', '530325'), context)).toBe(1);

    expect(out).toEqual([]);
    expect(err.join('')).toContain("required option '--user <id>' not specified");
  });
});
