// Proves that the JWT signing key comes from JWT_SECRET when set, and otherwise is generated once into <dataDir>/jwt-secret (mode 0600) and reused by every later caller, even callers racing on first use.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jwtSecretLengthMin } from './jwt-secret';
import { jwtSecretFileName, resolveJwtSecret } from './jwt-secret';

describe('resolveJwtSecret', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'sunlight-jwt-secret-')), 'data');
  });

  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('given JWT_SECRET, when resolved, then it is used and no file is written', async () => {
    const secret = 'k'.repeat(jwtSecretLengthMin);

    expect(await resolveJwtSecret({ jwtSecret: secret, dataDir })).toEqual({
      secret,
      source: 'configuration',
    });
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('given no JWT_SECRET and no key file, when resolved, then a 48-byte random key is written with mode 0600', async () => {
    const resolved = await resolveJwtSecret({ dataDir });

    const secretPath = path.join(dataDir, jwtSecretFileName);
    expect(resolved).toEqual({ secret: expect.any(String), source: 'generated', path: secretPath });
    expect(Buffer.from(resolved.secret, 'base64url')).toHaveLength(48);
    expect((await readFile(secretPath, 'utf8')).trim()).toBe(resolved.secret);
    expect((await stat(secretPath)).mode & 0o777).toBe(0o600);
  });

  it('given a key file from an earlier start, when resolved again, then the same key is reused', async () => {
    const first = await resolveJwtSecret({ dataDir });

    const second = await resolveJwtSecret({ dataDir });

    expect(second).toEqual({ secret: first.secret, source: 'file', path: first.path });
  });

  it('given several callers racing on first use, when resolved, then all get one key and no temporary file is left', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => resolveJwtSecret({ dataDir })),
    );

    expect(new Set(results.map((result) => result.secret)).size).toBe(1);
    expect(results.filter((result) => result.source === 'generated')).toHaveLength(1);
    expect(await readdir(dataDir)).toEqual([jwtSecretFileName]);
  });

  it('given a key file holding a too-short key, when resolved, then it fails naming the file instead of replacing it', async () => {
    await resolveJwtSecret({ dataDir });
    const secretPath = path.join(dataDir, jwtSecretFileName);
    await writeFile(secretPath, 'short\n');

    await expect(resolveJwtSecret({ dataDir })).rejects.toThrow(
      `${secretPath} holds a JWT signing key shorter than 32 characters`,
    );
    expect(await readFile(secretPath, 'utf8')).toBe('short\n');
  });

  it('given a data directory that cannot be used, when resolved, then the error names the path and JWT_SECRET', async () => {
    const blocker = path.join(path.dirname(dataDir), 'a-file');
    await writeFile(blocker, '');

    await expect(resolveJwtSecret({ dataDir: path.join(blocker, 'data') })).rejects.toThrow(
      /JWT signing key at .*a-file\/data\/jwt-secret: ENOTDIR.*; set JWT_SECRET instead/,
    );
  });
});
