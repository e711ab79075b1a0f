import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits). */
export const jwtSecretLengthMin = 32;

export const jwtSecretFileName = 'jwt-secret';
// 384 bits: more than HS256 needs, so the generated key is never the weak link.
export const generatedJwtSecretBytes = 48;

export interface ResolvedJwtSecret {
  secret: string;
  /** `configuration`: JWT_SECRET; `file`: read from `path`; `generated`: just written to `path`. */
  source: 'configuration' | 'file' | 'generated';
  path?: string;
}

/**
 * The HS256 key for bearer tokens. Production passes JWT_SECRET. The embedded default keeps a
 * random key in `<dataDir>/jwt-secret` (mode 0600), created on first use and reused afterwards,
 * so the app and the `sunlight token` command agree on it without any setup and tokens survive
 * a restart. Both the server and the CLI call this, so they always resolve the same key.
 */
export async function resolveJwtSecret(config: {
  jwtSecret?: string;
  dataDir: string;
}): Promise<ResolvedJwtSecret> {
  if (config.jwtSecret !== undefined) return { secret: config.jwtSecret, source: 'configuration' };
  const secretPath = path.resolve(config.dataDir, jwtSecretFileName);
  const existing = await readSecretFile(secretPath);
  if (existing !== undefined) return { secret: existing, source: 'file', path: secretPath };
  try {
    return await createSecretFile(secretPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot keep a generated JWT signing key at ${secretPath}: ${reason}; set JWT_SECRET instead`,
      { cause: error },
    );
  }
}

async function readSecretFile(secretPath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(secretPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `cannot read the JWT signing key at ${secretPath}: ${(error as Error).message}; set JWT_SECRET instead`,
      {
        cause: error,
      },
    );
  }
  const secret = text.trim();
  if (secret.length < jwtSecretLengthMin) {
    // Replacing it silently would invalidate every token issued so far without saying why.
    throw new Error(
      `${secretPath} holds a JWT signing key shorter than ${jwtSecretLengthMin} characters; ` +
        'delete the file to generate a new key, or set JWT_SECRET',
    );
  }
  return secret;
}

/**
 * Writes the key to a private temporary file, then hard-links it into place: the link either
 * creates the complete file or fails because another process (a second instance, the CLI) won
 * the race, in which case its key is the one to use. Nobody ever reads a half-written key.
 */
async function createSecretFile(secretPath: string): Promise<ResolvedJwtSecret> {
  await mkdir(path.dirname(secretPath), { recursive: true });
  const secret = randomBytes(generatedJwtSecretBytes).toString('base64url');
  const temporaryPath = `${secretPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporaryPath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporaryPath, secretPath);
    return { secret, source: 'generated', path: secretPath };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readSecretFile(secretPath);
    if (winner === undefined) throw error;
    return { secret: winner, source: 'file', path: secretPath };
  } finally {
    await unlink(temporaryPath).catch(() => undefined);
  }
}
