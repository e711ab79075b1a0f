/**
 * The app's whole configuration, read from the environment once at start-up. Everything else
 * receives an `AppConfig`, so no module reads `process.env` on its own and a typo in a variable
 * fails the start instead of surfacing hours later.
 */

// The Nest-free entry point, not the library's index: every CLI command reads this config.
import { jwtSecretLengthMin } from '@sunlight/auth/jwt';
import { snapshotKeyLengthMin } from '@sunlight/keys';
import { parseWitnessKeyList, type WitnessKey } from '@sunlight/integrity';

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
  /** Absent: an Ed25519 signer key generated once and kept in `<dataDir>/log-key` (libs/keys/src/log-key.ts). */
  logKey?: string;
  /** The log's name on its checkpoints (the C2SP origin line) and of a generated log key. */
  logOrigin: string;
  /** A checkpoint is signed once the tree has grown by this many events since the last… */
  checkpointEveryEvents: number;
  /** …or once this long has passed and it has grown at all. */
  checkpointIntervalMs: number;
  /**
   * The witnesses whose cosignatures the log accepts and serves (SUNLIGHT_WITNESS_KEYS: a list of
   * `<level>:<vkey>`, as `sunlight witness-key` prints them); none when unset.
   */
  witnessKeys: WitnessKey[];
  /**
   * After SIGTERM or SIGINT, how long requests already in flight may take to finish before their
   * connections are cut; new requests are refused at once (src/http/http-drain.ts).
   */
  shutdownDrainMs: number;
  /**
   * Where BullMQ keeps the queues: this Redis (`redis://…`), or, absent, the log's PostgreSQL
   * through BullMQ's PostgreSQL backend (schema `sunlight_jobs`), so nothing else is needed.
   */
  redisUrl?: string;
  /** Namespaces the queues' keys on Redis, so two deployments (or test runs) can share one. */
  jobsPrefix: string;
  /** Whether this instance runs the job workers (roster imports, approvals, settlements). */
  runWorkers: boolean;
  /** A worker killed mid-job loses its hold after this long and another worker takes the job. */
  jobLockMs: number;
  /** The content-addressed file store (uploaded rosters, photos): a local directory. */
  blobDir: string;
  /** An uploaded roster or settlement file longer than this is refused (413). */
  uploadBytesMax: number;
  /** How often an idle event stream (SSE) sends a heartbeat. */
  feedHeartbeatMs: number;
  /**
   * How long an event stream waits for a client to take what it was sent (the socket's buffer
   * full) before dropping it with a final event saying where to resume.
   */
  feedSlowClientMs: number;
  /** PHOTO_BYTES_MAX: a project photo longer than this is refused with 413. */
  photoBytesMax: number;
  /** PHOTO_NEAR_DUPLICATE_BITS: dHash Hamming distance at or below which two photos are near-identical. */
  photoNearDuplicateBits: number;
  /** PHOTO_SITE_DISTANCE_METRES: GPS farther than this from the project's site is flagged. */
  photoSiteDistanceMetres: number;
  /**
   * WEBHOOK_ALLOWED_HOSTS: hosts a webhook may reach over plain http or at a loopback or private
   * address (an operator's own receivers; the tests' 127.0.0.1). None by default.
   */
  webhookAllowedHosts: string[];
  /** WEBHOOK_ATTEMPTS: tries of one delivery before it is dead-lettered. */
  webhookAttempts: number;
  /** WEBHOOK_BACKOFF_MS: the wait before a delivery's second try; it doubles each time. */
  webhookBackoffMs: number;
  /** WEBHOOK_TIMEOUT_MS: how long a receiver has to answer one try. */
  webhookTimeoutMs: number;
  /** WEBHOOK_BATCH_MAX: events one delivery carries at most. */
  webhookBatchMax: number;
  /** WEBHOOK_POLL_MS: how often idle subscriptions look for new events. */
  webhookPollMs: number;
  /** WEBHOOK_SECRET_OVERLAP_MS: how long a rotated-out secret keeps signing beside the new one. */
  webhookSecretOverlapMs: number;
  /** Absent: generated once and kept in `<dataDir>/webhook-key`; instances sharing deliveries need the same. */
  webhookSecretKey?: string;
}

/** Where the embedded PostgreSQL and the generated keys and logins live, unless SUNLIGHT_DATA_DIR says. */
export const dataDirDefault = './.sunlight';

export const shutdownDrainMsDefault = 10_000;
export const uploadBytesMaxDefault = 50 * 1024 * 1024;
export const photoBytesMaxDefault = 20 * 1024 * 1024;
export const jobLockMsDefault = 30_000;
export const jobsPrefixPattern = /^[a-z][a-z0-9_-]{0,63}$/;
/** A C2SP origin is the log's name, conventionally schema-less URL-like. */
export const logOriginDefault = 'sunlight.local/log';
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

  // Setting the variable must stop the start while parts of the app still read the log from
  // PostgreSQL, not silently leave the log there; the refusal names those parts.
  const kurrentdbUrl = read('KURRENTDB_URL');
  if (kurrentdbUrl !== undefined) {
    if (!isKurrentDbUrl(kurrentdbUrl)) {
      // The value is not echoed: it may carry a password.
      problems.push(
        'KURRENTDB_URL must be a kurrentdb:// or kurrentdb+discover:// connection string',
      );
    } else {
      problems.push(kurrentDbRefusal());
    }
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

  const redisUrl = read('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  const jobsPrefix = read('JOBS_PREFIX') ?? 'sunlight';
  if (!jobsPrefixPattern.test(jobsPrefix)) {
    problems.push(
      `JOBS_PREFIX must be 1-64 lower-case letters, digits, _ or -, starting with a letter (got "${jobsPrefix}")`,
    );
  }
  const runWorkers = boolean('RUN_WORKERS', true);
  const jobLockMs = integer('JOB_LOCK_MS', jobLockMsDefault, 1_000, 600_000);
  const blobDir = read('BLOB_DIR') ?? `${dataDir}/blobs`;
  const uploadBytesMax = integer('UPLOAD_BYTES_MAX', uploadBytesMaxDefault, 1, 1024 * 1024 * 1024);
  const feedHeartbeatMs = integer('FEED_HEARTBEAT_MS', 15_000, 50, 600_000);
  const feedSlowClientMs = integer('FEED_SLOW_CLIENT_MS', 10_000, 10, 600_000);
  const photoBytesMax = integer('PHOTO_BYTES_MAX', photoBytesMaxDefault, 1, 1024 * 1024 * 1024);
  const photoNearDuplicateBits = integer('PHOTO_NEAR_DUPLICATE_BITS', 6, 0, 32);
  const photoSiteDistanceMetres = integer('PHOTO_SITE_DISTANCE_METRES', 2_000, 1, 1_000_000);
  const logKey = read('SUNLIGHT_LOG_KEY');
  if (
    logKey !== undefined &&
    !/^PRIVATE\+KEY\+[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(logKey)
  ) {
    // The value is not echoed: it is a private key.
    problems.push('SUNLIGHT_LOG_KEY must be a signer key: PRIVATE+KEY+<name>+<key id>+<key>');
  }
  const logOrigin = read('SUNLIGHT_LOG_ORIGIN') ?? logOriginDefault;
  if (!/^[^+\s]{1,200}$/.test(logOrigin)) {
    problems.push('SUNLIGHT_LOG_ORIGIN must be 1 to 200 characters without spaces or "+"');
  }
  const checkpointEveryEvents = integer('CHECKPOINT_EVERY_EVENTS', 1_000, 1, 10_000_000);
  const checkpointIntervalMs = integer('CHECKPOINT_INTERVAL_MS', 10_000, 100, 86_400_000);
  let witnessKeys: WitnessKey[] = [];
  try {
    witnessKeys = parseWitnessKeyList(read('SUNLIGHT_WITNESS_KEYS') ?? '');
  } catch (error) {
    problems.push(`SUNLIGHT_WITNESS_KEYS: ${(error as Error).message}`);
  }

  const webhookAllowedHosts = (read('WEBHOOK_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  for (const host of webhookAllowedHosts) {
    if (!/^[a-z0-9.:-]{1,253}$/.test(host)) {
      problems.push(`WEBHOOK_ALLOWED_HOSTS must list host names or addresses (got "${host}")`);
    }
  }
  const webhookAttempts = integer('WEBHOOK_ATTEMPTS', 12, 1, 100);
  const webhookBackoffMs = integer('WEBHOOK_BACKOFF_MS', 1_000, 1, 3_600_000);
  const webhookTimeoutMs = integer('WEBHOOK_TIMEOUT_MS', 10_000, 50, 120_000);
  const webhookBatchMax = integer('WEBHOOK_BATCH_MAX', 100, 1, 1_000);
  const webhookPollMs = integer('WEBHOOK_POLL_MS', 1_000, 10, 600_000);
  const webhookSecretOverlapMs = integer('WEBHOOK_SECRET_OVERLAP_MS', 86_400_000, 0, 2_592_000_000);
  const webhookSecretKey = read('WEBHOOK_SECRET_KEY');
  if (webhookSecretKey !== undefined && webhookSecretKey.length < 32) {
    problems.push('WEBHOOK_SECRET_KEY must be at least 32 characters');
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
    ...(logKey === undefined ? {} : { logKey }),
    logOrigin,
    checkpointEveryEvents,
    checkpointIntervalMs,
    witnessKeys,
    shutdownDrainMs,
    ...(redisUrl === undefined ? {} : { redisUrl }),
    jobsPrefix,
    runWorkers,
    jobLockMs,
    blobDir,
    uploadBytesMax,
    feedHeartbeatMs,
    feedSlowClientMs,
    photoBytesMax,
    photoNearDuplicateBits,
    photoSiteDistanceMetres,
    webhookAllowedHosts,
    webhookAttempts,
    webhookBackoffMs,
    webhookTimeoutMs,
    webhookBatchMax,
    webhookPollMs,
    webhookSecretOverlapMs,
    ...(webhookSecretKey === undefined ? {} : { webhookSecretKey }),
  };
}

/**
 * What the app needs from its log, and whether the KurrentDB adapter provides it
 * (libs/event-store/src/kurrentdb, docs/deploy.md#kurrentdb). The parts marked missing read the
 * log from PostgreSQL's `events` table themselves, so with the log on KurrentDB they would work
 * on an empty log (a Merkle tree signing nothing) rather than fail: the start is refused instead.
 */
export const kurrentDbLogParts: readonly { part: string; onKurrentDb: boolean }[] = [
  { part: 'the event store (appends, reads, subscriptions)', onKurrentDb: true },
  { part: 'claims', onKurrentDb: true },
  { part: 'snapshots', onKurrentDb: true },
  { part: 'processor checkpoints', onKurrentDb: true },
  { part: "the feeds' chain hashes (the chain keeper)", onKurrentDb: true },
  {
    part: 'the Merkle tree and signed checkpoints (PostgresTreeStore reads the events table)',
    onKurrentDb: false,
  },
  {
    part: "the projections' worker threads (they open the PostgreSQL log themselves)",
    onKurrentDb: false,
  },
  {
    part: "the cross-checks' roster lines and payments (PostgresCheckEvents reads the events table)",
    onKurrentDb: false,
  },
  {
    part: '`sunlight verify` and `sunlight spot-check` (they verify the PostgreSQL log)',
    onKurrentDb: false,
  },
];

/** The start-up refusal for KURRENTDB_URL, naming what the app still cannot run on KurrentDB. */
export function kurrentDbRefusal(parts = kurrentDbLogParts): string {
  const missing = parts.filter((entry) => !entry.onKurrentDb).map((entry) => entry.part);
  return (
    `KURRENTDB_URL is set, but the app cannot keep its log on KurrentDB yet: ${missing.join('; ')} ` +
    'still need the log on PostgreSQL (docs/deploy.md#kurrentdb); unset KURRENTDB_URL to keep the log on PostgreSQL'
  );
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

/** The client's connection-string schemes (and the pre-rebrand `esdb`), as @kurrent/kurrentdb-client parses them. */
function isKurrentDbUrl(value: string): boolean {
  return /^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/[^\s]+$/.test(value);
}
