import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A secret the app needs and never stores in its database: a signing or MAC key. */
export interface KeptSecretSpec {
  /** For messages: "JWT signing key". */
  what: string;
  /** The environment variable that sets it. */
  variable: string;
  /** Its value, when set. */
  configured: string | undefined;
  /** Where a generated one is kept: `<dataDir>/<fileName>`. */
  dataDir: string;
  fileName: string;
  lengthMin: number;
  generatedBytes: number;
  /** Makes a new secret when it is not a random string of `generatedBytes` (a signer key). */
  generate?: () => string;
}

export interface KeptSecret {
  secret: string;
  /** `configuration`: from the variable; `file`: read from `path`; `generated`: just written to `path`. */
  source: 'configuration' | 'file' | 'generated';
  path?: string;
}

/**
 * Production sets the variable. The embedded default keeps a random secret in a file of the data
 * directory (mode 0600), created on first use and reused afterwards, so every process of one
 * installation (the server, the CLI) resolves the same one without any set-up, and it survives a
 * restart.
 */
export async function resolveKeptSecret(spec: KeptSecretSpec): Promise<KeptSecret> {
  if (spec.configured !== undefined) return { secret: spec.configured, source: 'configuration' };
  const secretPath = path.resolve(spec.dataDir, spec.fileName);
  const existing = await readSecretFile(spec, secretPath);
  if (existing !== undefined) return { secret: existing, source: 'file', path: secretPath };
  try {
    return await createSecretFile(spec, secretPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot keep a generated ${spec.what} at ${secretPath}: ${reason}; set ${spec.variable} instead`,
      { cause: error },
    );
  }
}

async function readSecretFile(
  spec: KeptSecretSpec,
  secretPath: string,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(secretPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `cannot read the ${spec.what} at ${secretPath}: ${(error as Error).message}; set ${spec.variable} instead`,
      { cause: error },
    );
  }
  const secret = text.trim();
  if (secret.length < spec.lengthMin) {
    // Replacing it silently would invalidate everything it signed so far without saying why.
    throw new Error(
      `${secretPath} holds a ${spec.what} shorter than ${spec.lengthMin} characters; ` +
        `delete the file to generate a new one, or set ${spec.variable}`,
    );
  }
  return secret;
}

/**
 * Writes the secret to a private temporary file, then hard-links it into place: the link either
 * creates the complete file or fails because another process (a second instance, the CLI) won
 * the race, in which case its secret is the one to use. Nobody ever reads a half-written one.
 */
async function createSecretFile(spec: KeptSecretSpec, secretPath: string): Promise<KeptSecret> {
  await mkdir(path.dirname(secretPath), { recursive: true });
  const secret = spec.generate?.() ?? randomBytes(spec.generatedBytes).toString('base64url');
  const temporaryPath = `${secretPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporaryPath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporaryPath, secretPath);
    return { secret, source: 'generated', path: secretPath };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readSecretFile(spec, secretPath);
    if (winner === undefined) throw error;
    return { secret: winner, source: 'file', path: secretPath };
  } finally {
    await unlink(temporaryPath).catch(() => undefined);
  }
}
