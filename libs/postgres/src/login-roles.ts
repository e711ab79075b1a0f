import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { ClientBase } from 'pg';

/** A role that logs in, and its password. */
export interface LoginCredentials {
  user: string;
  password: string;
}

/** Lower-case letters, digits and underscores: no quoting surprises in SQL or in a URL. */
const roleNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;
/** PostgreSQL's own default for SCRAM-SHA-256 verifiers (`scram_iterations`). */
const scramIterations = 4096;
const scramSaltBytes = 16;

export function assertRoleName(name: string): void {
  if (!roleNamePattern.test(name))
    throw new RangeError(`not a role name this app creates or uses: "${name}"`);
}

/**
 * Creates `login` if it does not exist: LOGIN and nothing else (no superuser, CREATEDB,
 * CREATEROLE, REPLICATION or BYPASSRLS), a member of `groupRole` from which it inherits every
 * right it has. Roles belong to the whole cluster, so instances starting at once on several
 * databases of one server may race here; the loser's duplicate is ignored. An existing role keeps
 * its password: its credentials were created with it, and rewriting a role another process is
 * logging in as could only break that process.
 */
export async function ensureLoginRole(
  owner: ClientBase,
  login: LoginCredentials,
  groupRole: string,
): Promise<void> {
  assertRoleName(login.user);
  assertRoleName(groupRole);
  const user = owner.escapeIdentifier(login.user);
  // The password goes as a SCRAM verifier, so its plain text never reaches the server or its logs.
  const verifier = owner.escapeLiteral(scramSha256Verifier(login.password));
  await owner.query(`DO $login$
    BEGIN
      CREATE ROLE ${user} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
        PASSWORD ${verifier};
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by another instance, with the same credentials
    END
    $login$`);
  await owner.query(`DO $member$
    BEGIN
      IF NOT pg_has_role(${owner.escapeLiteral(login.user)}, ${owner.escapeLiteral(groupRole)}, 'MEMBER') THEN
        GRANT ${owner.escapeIdentifier(groupRole)} TO ${user};
      END IF;
    EXCEPTION WHEN unique_violation THEN
      NULL; -- granted meanwhile by another instance
    END
    $member$`);
}

/** `url` with its user and password replaced by `login`'s. */
export function withLogin(url: string, login: LoginCredentials): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.user);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString();
}

/** The user name a `postgres://` URL logs in as, if it names one. */
export function loginOf(url: string): string | undefined {
  const user = decodeURIComponent(new URL(url).username);
  return user === '' ? undefined : user;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, RFC 7677):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, in base64. A verifier given as the
 * password of CREATE ROLE is stored as it is. SASLprep is the identity for the ASCII passwords
 * this app generates; others must be normalised by the caller.
 */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(scramSaltBytes),
  iterations = scramIterations,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
