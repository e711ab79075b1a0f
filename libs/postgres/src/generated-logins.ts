import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertRoleName, type LoginCredentials } from './login-roles';

export const generatedLoginsFileName = 'database-logins.json';
// 192 bits: a password nobody types, so it can be as long as it likes.
const generatedPasswordBytes = 24;
const generatedPasswordLengthMin = 24;
// Login names carry this many random hex digits: roles belong to the whole server, and two data
// directories on one server (two instances, two test runs) must never pick the same name.
const loginSuffixBytes = 5;

export interface GeneratedLogins {
  logins: Record<string, LoginCredentials>;
  /** `file`: read from `path`; `generated`: just written to `path`. */
  source: 'file' | 'generated';
  path: string;
}

/**
 * Login roles the app creates for itself when no DBA made them: one per `purpose` (`app`,
 * `projector`), named `sunlight_<purpose>_login_<random>`, with random passwords. They are kept
 * in `<dataDir>/database-logins.json` (mode 0600), like the generated JWT key, so a restart and
 * the CLI log in as the same roles. The file is written once, whole, by whichever process gets
 * there first; every other process reads that one.
 */
export async function resolveGeneratedLogins(
  dataDir: string,
  purposes: readonly string[],
): Promise<GeneratedLogins> {
  const loginsPath = path.resolve(dataDir, generatedLoginsFileName);
  const existing = await readLoginsFile(loginsPath, purposes);
  if (existing !== undefined) return { logins: existing, source: 'file', path: loginsPath };
  try {
    return await createLoginsFile(loginsPath, purposes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot keep generated database logins at ${loginsPath}: ${reason}; ` +
        'set DATABASE_APP_URL and DATABASE_PROJECTOR_URL instead',
      { cause: error },
    );
  }
}

async function readLoginsFile(
  loginsPath: string,
  purposes: readonly string[],
): Promise<Record<string, LoginCredentials> | undefined> {
  let text: string;
  try {
    text = await readFile(loginsPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `cannot read the database logins at ${loginsPath}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const broken = (why: string) =>
    new Error(
      `${loginsPath} ${why}; delete it to generate new logins (the old roles stay behind), ` +
        'or set DATABASE_APP_URL and DATABASE_PROJECTOR_URL',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw broken('is not JSON');
  }
  const logins: Record<string, LoginCredentials> = {};
  for (const purpose of purposes) {
    const login = (parsed as Record<string, Partial<LoginCredentials>> | null)?.[purpose];
    if (typeof login?.user !== 'string' || typeof login.password !== 'string')
      throw broken(`holds no ${purpose} login`);
    try {
      assertRoleName(login.user);
    } catch {
      throw broken(`names an unusable ${purpose} login "${login.user}"`);
    }
    if (login.password.length < generatedPasswordLengthMin)
      throw broken(
        `holds a ${purpose} password shorter than ${generatedPasswordLengthMin} characters`,
      );
    logins[purpose] = { user: login.user, password: login.password };
  }
  return logins;
}

/**
 * Writes the logins to a private temporary file, then hard-links it into place: the link either
 * creates the complete file or fails because another process (a second instance, the CLI) won
 * the race, in which case its logins are the ones to use.
 */
async function createLoginsFile(
  loginsPath: string,
  purposes: readonly string[],
): Promise<GeneratedLogins> {
  await mkdir(path.dirname(loginsPath), { recursive: true });
  const suffix = randomBytes(loginSuffixBytes).toString('hex');
  const logins: Record<string, LoginCredentials> = {};
  for (const purpose of purposes) {
    const user = `sunlight_${purpose}_login_${suffix}`;
    assertRoleName(user);
    logins[purpose] = { user, password: randomBytes(generatedPasswordBytes).toString('base64url') };
  }
  const temporaryPath = `${loginsPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporaryPath, `${JSON.stringify(logins, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  try {
    await link(temporaryPath, loginsPath);
    return { logins, source: 'generated', path: loginsPath };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readLoginsFile(loginsPath, purposes);
    if (winner === undefined) throw error;
    return { logins: winner, source: 'file', path: loginsPath };
  } finally {
    await unlink(temporaryPath).catch(() => undefined);
  }
}
