import { Client } from 'pg';
import {
  appRoleName,
  loginProblems,
  projectorRoleName,
  runMigrations,
  toUnavailable,
} from '@sunlight/event-store/postgres';
import {
  ensureLoginRole,
  resolveGeneratedLogins,
  withLogin,
  type LoginCredentials,
} from '@sunlight/postgres';
import { jobsSchemaDefault, prepareJobsSchema } from '@sunlight/jobs/postgres';
import { prepareReadStoreSchema, readStoreSchemaDefault } from '@sunlight/read-store/postgres';
import type { AppConfig } from '../config/app-config';

/** What the app logs in as, once the owner has prepared the database. */
export interface DatabaseAccess {
  /** Commands, queries and the log: a login in `sunlight_app`. */
  appUrl: string;
  /** Projections, processors and their checkpoints: a login in `sunlight_projector`. */
  projectorUrl: string;
}

export type DatabaseLoginsConfig = Pick<
  AppConfig,
  'dataDir' | 'databaseAppUrl' | 'databaseProjectorUrl'
> &
  Partial<Pick<AppConfig, 'redisUrl'>> & {
    /** Prepare BullMQ's PostgreSQL schema (the queues live there when REDIS_URL is unset). */
    jobsOnPostgres?: boolean;
  };

interface Login {
  /** The group role its connections act as. */
  role: string;
  url: string;
  /** Names the login in errors: the variable it came from, or the generated role. */
  origin: string;
}

/**
 * Prepares the database as its owner (`ownerUrl`: DATABASE_URL, or the embedded server's
 * superuser) and says which logins the app uses from then on: the log's migrations, the read
 * store's schema for the projections' role, and the two logins, generated (and kept under
 * `dataDir`) where no DBA configured them. Every login is then checked from its own connection
 * and the start stops, naming it, if it could reach the log by any other way than
 * `sunlight_append`. Idempotent and safe when several instances start at once.
 */
export async function prepareDatabaseAccess(
  ownerUrl: string,
  config: DatabaseLoginsConfig,
): Promise<DatabaseAccess> {
  const generated =
    config.databaseAppUrl === undefined || config.databaseProjectorUrl === undefined
      ? (await resolveGeneratedLogins(config.dataDir, ['app', 'projector'])).logins
      : undefined;
  const owner = new Client({ connectionString: ownerUrl, application_name: 'sunlight-owner' });
  try {
    await owner.connect();
    await runMigrations(owner);
    await prepareReadStoreSchema(owner, {
      schema: readStoreSchemaDefault,
      role: projectorRoleName,
    });
    if (config.jobsOnPostgres === true) {
      await prepareJobsSchema(owner, { schema: jobsSchemaDefault, role: appRoleName });
    }
    const app = await ownLogin(owner, ownerUrl, {
      role: appRoleName,
      configured: config.databaseAppUrl,
      variable: 'DATABASE_APP_URL',
      generated: generated?.app,
    });
    const projector = await ownLogin(owner, ownerUrl, {
      role: projectorRoleName,
      configured: config.databaseProjectorUrl,
      variable: 'DATABASE_PROJECTOR_URL',
      generated: generated?.projector,
    });
    await owner.end();
    await Promise.all([assertRestricted(app), assertRestricted(projector)]);
    return { appUrl: app.url, projectorUrl: projector.url };
  } catch (error) {
    await owner.end().catch(() => undefined);
    throw toUnavailable(error, 'could not prepare the database');
  }
}

/** The configured login, or the generated one, created (if missing) in `role`. */
async function ownLogin(
  owner: Client,
  ownerUrl: string,
  login: {
    role: string;
    configured: string | undefined;
    variable: string;
    generated: LoginCredentials | undefined;
  },
): Promise<Login> {
  if (login.configured !== undefined)
    return { role: login.role, url: login.configured, origin: login.variable };
  const generated = login.generated as LoginCredentials;
  try {
    await ensureLoginRole(owner, generated, login.role);
  } catch (error) {
    throw new Error(
      `could not create the login ${generated.user} in ${login.role}: ${(error as Error).message}; ` +
        `a DATABASE_URL user that may not create roles needs ${login.variable} set to a login a DBA made`,
      { cause: error },
    );
  }
  return {
    role: login.role,
    url: withLogin(ownerUrl, generated),
    origin: `the generated login ${generated.user}`,
  };
}

/** Connects as the login, acting as its group role, and refuses it if it could do more. */
async function assertRestricted(login: Login): Promise<void> {
  const client = new Client({
    connectionString: login.url,
    options: `-c role=${login.role}`,
    application_name: 'sunlight-login-check',
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `${login.origin} cannot connect as a member of ${login.role}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const problems = await loginProblems(client);
    if (problems.length > 0)
      throw new Error(
        `${login.origin} has more rights than ${login.role} may: ${problems.join('; ')}`,
      );
  } finally {
    await client.end().catch(() => undefined);
  }
}
