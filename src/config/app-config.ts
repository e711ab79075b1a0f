/**
 * The app's whole configuration, read from the environment once at start-up. Everything else
 * receives an `AppConfig`, so no module reads `process.env` on its own and a typo in a variable
 * fails the start instead of surfacing hours later.
 */

// The Nest-free entry point, not the library's index: every CLI command reads this config.
import { jwtSecretLengthMin } from '@sunlight/auth/jwt';
import { snapshotKeyLengthMin } from '@sunlight/keys';

export const APP_CONFIG = 'APP_CONFIG';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface AppConfig {
  port: number;
  host: string;
  /**
   * The log's owner: runs the migrations and creates the app's logins at start-up, and is then
   * closed. Absent: the app starts an embedded PostgreSQL under `dataDir` and uses its superuser.
   */
  databaseUrl?: string;
  /**
   * The login the app's commands and queries use (a member of `sunlight_app`), when a DBA made
   * it. Absent: the app creates its own login, with a password kept in `<dataDir>`.
   */
  databaseAppUrl?: string;
  /** The same for the projections and processors (a member of `sunlight_projector`). */
  databaseProjectorUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  pgPoolSize: number;
  logLevel: LogLevel;
  /** Where projections keep their read models. */
  readStore: 'postgres' | 'mongodb';
  /** Required when readStore is mongodb. */
  mongodbUrl?: string;
  /** Money received and not moved on for more than this many days is idle (资金滞留). */
  idleDays: number;
  /**
   * Whether this instance runs the projections. Off for API instances when a separate instance
   * keeps the read models, so command traffic and read-model work do not share one event loop.
   */
  runProjections: boolean;
  /**
   * Whether this instance runs the processors that write events following the log (the funds
   * relay: AllocationSent → AllocationReceived, FundLineCreated → FundsAppropriated). Off on API
   * instances when a worker instance runs them; at least one instance must.
   */
  runProcessors: boolean;
  /** Absent: a random key is generated once and kept in `<dataDir>/jwt-secret` (see libs/auth/src/jwt-secret.ts). */
  jwtSecret?: string;
  /** Absent: generated once and kept in `<dataDir>/snapshot-key` (libs/keys/src/snapshot-key.ts). */
  snapshotKey?: string;
  /**
   * After SIGTERM or SIGINT, how long requests already in flight may take to finish before their
   * connections are cut; new requests are refused at once (src/http/http-drain.ts).
   */
  shutdownDrainMs: number;
}

/** Where the embedded PostgreSQL and the generated keys and logins live, unless SUNLIGHT_DATA_DIR says. */
export const dataDirDefault = './.sunlight';

export const shutdownDrainMsDefault = 10_000;
// Kubernetes gives a pod 30 s after SIGTERM by default; five minutes is beyond any sane setting.
export const shutdownDrainMsMax = 300_000;

// A pool larger than this would exhaust a default PostgreSQL's 100 connections with two instances.
export const pgPoolSizeMax = 50;

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Pure: the same environment always gives the same config or the same error. */
export function loadAppConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    // An empty variable is how shells and compose files say "unset", so treat it that way.
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };

  const port = integer('PORT', 3000, 0, 65535);
  const host = read('HOST') ?? '0.0.0.0';
  const embeddedPgPort = integer('EMBEDDED_PG_PORT', 54329, 1, 65535);
  const pgPoolSize = integer('PG_POOL_SIZE', 10, 1, pgPoolSizeMax);
  const dataDir = read('SUNLIGHT_DATA_DIR') ?? dataDirDefault;

  const idleDays = integer('IDLE_DAYS', 30, 1, 3650);
  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (raw !== 'true' && raw !== 'false') {
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    }
    return raw === 'true';
  };
  const runProjections = boolean('RUN_PROJECTIONS', true);
  const runProcessors = boolean('RUN_PROCESSORS', true);
  const shutdownDrainMs = integer(
    'SHUTDOWN_DRAIN_MS',
    shutdownDrainMsDefault,
    0,
    shutdownDrainMsMax,
  );
  const readStoreRaw = read('READ_STORE') ?? 'postgres';
  if (readStoreRaw !== 'postgres' && readStoreRaw !== 'mongodb') {
    problems.push(`READ_STORE must be postgres or mongodb (got "${readStoreRaw}")`);
  }
  const mongodbUrl = read('MONGODB_URL');
  if (readStoreRaw === 'mongodb' && mongodbUrl === undefined) {
    problems.push('MONGODB_URL must be set when READ_STORE is mongodb');
  }
  if (mongodbUrl !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongodbUrl)) {
    problems.push('MONGODB_URL must be a mongodb:// or mongodb+srv:// URL');
  }

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    // The value is not echoed: it usually carries a password.
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const loginUrl = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    // The value is not echoed: it carries a password.
    if (!isPostgresUrl(value)) problems.push(`${name} must be a postgres:// or postgresql:// URL`);
    else if (new URL(value).username === '')
      problems.push(`${name} must name the login it connects as (postgres://USER:PASSWORD@…)`);
    else if (databaseUrl === undefined)
      problems.push(`${name} needs DATABASE_URL, the owner's connection that runs the migrations`);
    else if (isPostgresUrl(databaseUrl) && sameLogin(value, databaseUrl))
      problems.push(`${name} must log in as another role than DATABASE_URL, which owns the log`);
    return value;
  };
  const databaseAppUrl = loginUrl('DATABASE_APP_URL');
  const databaseProjectorUrl = loginUrl('DATABASE_PROJECTOR_URL');

  const logLevelRaw = read('LOG_LEVEL') ?? 'info';
  const logLevel = logLevels.find((level) => level === logLevelRaw.toLowerCase());
  if (logLevel === undefined) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${logLevelRaw}")`);
  }

  const snapshotKey = read('SUNLIGHT_SNAPSHOT_KEY');
  if (snapshotKey !== undefined && snapshotKey.length < snapshotKeyLengthMin) {
    problems.push(`SUNLIGHT_SNAPSHOT_KEY must be at least ${snapshotKeyLengthMin} characters`);
  }

  const jwtSecret = read('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < jwtSecretLengthMin) {
    problems.push(`JWT_SECRET must be at least ${jwtSecretLengthMin} characters`);
  }

  if (problems.length > 0) throw new AppConfigError(problems);
  return {
    port,
    host,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(databaseAppUrl === undefined ? {} : { databaseAppUrl }),
    ...(databaseProjectorUrl === undefined ? {} : { databaseProjectorUrl }),
    dataDir,
    embeddedPgPort,
    pgPoolSize,
    logLevel: logLevel ?? 'info',
    readStore: readStoreRaw === 'mongodb' ? 'mongodb' : 'postgres',
    ...(mongodbUrl === undefined ? {} : { mongodbUrl }),
    idleDays,
    runProjections,
    runProcessors,
    ...(jwtSecret === undefined ? {} : { jwtSecret }),
    ...(snapshotKey === undefined ? {} : { snapshotKey }),
    shutdownDrainMs,
  };
}

function sameLogin(a: string, b: string): boolean {
  return decodeURIComponent(new URL(a).username) === decodeURIComponent(new URL(b).username);
}

function isPostgresUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'postgres:' || protocol === 'postgresql:';
  } catch {
    return false;
  }
}
