// Proves that generated database logins are written once into <dataDir>/database-logins.json (mode 0600) with names unique to that directory, reused by every later caller even when callers race on first use, and that a damaged file stops the start naming it instead of being replaced.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatedLoginsFileName, resolveGeneratedLogins } from './generated-logins';

const purposes = ['app', 'projector'] as const;

describe('resolveGeneratedLogins', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'sunlight-logins-')), 'data');
  });

  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('given no file, when resolved, then one login per purpose is generated and kept with mode 0600', async () => {
    const resolved = await resolveGeneratedLogins(dataDir, purposes);

    const loginsPath = path.join(dataDir, generatedLoginsFileName);
    expect(resolved).toEqual({
      logins: {
        app: {
          user: expect.stringMatching(/^sunlight_app_login_[0-9a-f]{10}$/),
          password: expect.any(String),
        },
        projector: {
          user: expect.stringMatching(/^sunlight_projector_login_[0-9a-f]{10}$/),
          password: expect.any(String),
        },
      },
      source: 'generated',
      path: loginsPath,
    });
    expect(Buffer.from(resolved.logins.app.password, 'base64url')).toHaveLength(24);
    expect(resolved.logins.app.password).not.toBe(resolved.logins.projector.password);
    expect(JSON.parse(await readFile(loginsPath, 'utf8'))).toEqual(resolved.logins);
    expect((await stat(loginsPath)).mode & 0o777).toBe(0o600);
  });

  it('given two data directories, when resolved, then their login names differ', async () => {
    const other = `${dataDir}-other`;
    const [first, second] = await Promise.all([
      resolveGeneratedLogins(dataDir, purposes),
      resolveGeneratedLogins(other, purposes),
    ]);
    expect(first.logins.app.user).not.toBe(second.logins.app.user);
  });

  it('given a file from an earlier start, when resolved again, then the same logins are reused', async () => {
    const first = await resolveGeneratedLogins(dataDir, purposes);

    const second = await resolveGeneratedLogins(dataDir, purposes);

    expect(second).toEqual({ logins: first.logins, source: 'file', path: first.path });
  });

  it('given several callers racing on first use, when resolved, then all get one set of logins and no temporary file is left', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => resolveGeneratedLogins(dataDir, purposes)),
    );

    expect(new Set(results.map((result) => JSON.stringify(result.logins))).size).toBe(1);
    expect(results.filter((result) => result.source === 'generated')).toHaveLength(1);
    expect(await readdir(dataDir)).toEqual([generatedLoginsFileName]);
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    [
      'missing a purpose',
      JSON.stringify({ app: { user: 'sunlight_app_login_1', password: 'p'.repeat(32) } }),
      /holds no projector login/,
    ],
    [
      'naming an unusable role',
      JSON.stringify({
        app: { user: 'Robert"; DROP', password: 'p'.repeat(32) },
        projector: { user: 'sunlight_projector_login_1', password: 'p'.repeat(32) },
      }),
      /unusable app login/,
    ],
    [
      'holding a short password',
      JSON.stringify({
        app: { user: 'sunlight_app_login_1', password: 'short' },
        projector: { user: 'sunlight_projector_login_1', password: 'p'.repeat(32) },
      }),
      /app password shorter than 24/,
    ],
  ])(
    'given a file %s, when resolved, then it fails naming the file and leaves it alone',
    async (_, text, message) => {
      await resolveGeneratedLogins(dataDir, purposes);
      const loginsPath = path.join(dataDir, generatedLoginsFileName);
      await writeFile(loginsPath, text);

      await expect(resolveGeneratedLogins(dataDir, purposes)).rejects.toThrow(message);
      await expect(resolveGeneratedLogins(dataDir, purposes)).rejects.toThrow(loginsPath);
      expect(await readFile(loginsPath, 'utf8')).toBe(text);
    },
  );
});
