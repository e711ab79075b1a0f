// Proves that the environment is read into a typed config with documented defaults, and that a bad value fails the start with a message naming the variable.
import {
  ed25519CosignatureSigner,
  ed25519PrivateKeyFromSeed,
  formatVerifierKey,
} from '@sunlight/integrity';
import { AppConfigError, kurrentDbLogParts, loadAppConfig } from './app-config';

const witnessVkey = formatVerifierKey(
  ed25519CosignatureSigner(
    'witness-county-530325',
    ed25519PrivateKeyFromSeed(Buffer.alloc(32, 9)),
    () => 0,
  ),
);

describe('loadAppConfig', () => {
  it('given an empty environment, when loaded, then every setting has its default and the database is embedded', () => {
    expect(loadAppConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './.sunlight',
      embeddedPgPort: 54329,
      pgPoolSize: 10,
      logLevel: 'info',
      readStore: 'postgres',
      idleDays: 30,
      runProjections: true,
      runProcessors: true,
      logOrigin: 'sunlight.local/log',
      checkpointEveryEvents: 1000,
      checkpointIntervalMs: 10_000,
      witnessKeys: [],
      shutdownDrainMs: 10_000,
      jobsPrefix: 'sunlight',
      runWorkers: true,
      jobLockMs: 30_000,
      blobDir: './.sunlight/blobs',
      uploadBytesMax: 52_428_800,
      feedHeartbeatMs: 15_000,
      feedSlowClientMs: 10_000,
      photoBytesMax: 20_971_520,
      photoNearDuplicateBits: 6,
      photoSiteDistanceMetres: 2_000,
      webhookAllowedHosts: [],
      webhookAttempts: 12,
      webhookBackoffMs: 1_000,
      webhookTimeoutMs: 10_000,
      webhookBatchMax: 100,
      webhookPollMs: 1_000,
      webhookSecretOverlapMs: 86_400_000,
    });
  });

  it('given every variable, when loaded, then each is parsed into its typed field', () => {
    const config = loadAppConfig({
      PORT: '8080',
      READ_STORE: 'mongodb',
      MONGODB_URL: 'mongodb://mongo:27017/sunlight',
      IDLE_DAYS: '45',
      RUN_PROJECTIONS: 'false',
      RUN_PROCESSORS: 'false',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://sunlight:secret@db:5432/sunlight',
      SUNLIGHT_DATA_DIR: '/var/lib/sunlight',
      EMBEDDED_PG_PORT: '5433',
      PG_POOL_SIZE: '20',
      LOG_LEVEL: 'DEBUG',
      JWT_SECRET: 'x'.repeat(32),
      SHUTDOWN_DRAIN_MS: '2500',
      REDIS_URL: 'redis://redis:6379',
      JOBS_PREFIX: 'sunlight-prod',
      RUN_WORKERS: 'false',
      JOB_LOCK_MS: '5000',
      BLOB_DIR: '/srv/blobs',
      UPLOAD_BYTES_MAX: '1048576',
      PHOTO_BYTES_MAX: '2097152',
      PHOTO_NEAR_DUPLICATE_BITS: '8',
      PHOTO_SITE_DISTANCE_METRES: '500',
      SUNLIGHT_LOG_ORIGIN: 'sunlight.yn.gov.cn/log',
      CHECKPOINT_EVERY_EVENTS: '500',
      CHECKPOINT_INTERVAL_MS: '30000',
      SUNLIGHT_WITNESS_KEYS: `county:${witnessVkey}`,
      FEED_HEARTBEAT_MS: '200',
      FEED_SLOW_CLIENT_MS: '300',
      WEBHOOK_ALLOWED_HOSTS: 'Hooks.Internal, 127.0.0.1',
      WEBHOOK_ATTEMPTS: '5',
      WEBHOOK_BACKOFF_MS: '250',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_BATCH_MAX: '500',
      WEBHOOK_POLL_MS: '200',
      WEBHOOK_SECRET_OVERLAP_MS: '3600000',
      WEBHOOK_SECRET_KEY: 'k'.repeat(32),
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://sunlight:secret@db:5432/sunlight',
      dataDir: '/var/lib/sunlight',
      embeddedPgPort: 5433,
      pgPoolSize: 20,
      logLevel: 'debug',
      readStore: 'mongodb',
      mongodbUrl: 'mongodb://mongo:27017/sunlight',
      idleDays: 45,
      runProjections: false,
      runProcessors: false,
      jwtSecret: 'x'.repeat(32),
      logOrigin: 'sunlight.yn.gov.cn/log',
      checkpointEveryEvents: 500,
      checkpointIntervalMs: 30_000,
      witnessKeys: [
        expect.objectContaining({
          level: 'county',
          keyName: 'witness-county-530325',
          vkey: witnessVkey,
        }),
      ],
      shutdownDrainMs: 2500,
      redisUrl: 'redis://redis:6379',
      jobsPrefix: 'sunlight-prod',
      runWorkers: false,
      jobLockMs: 5000,
      blobDir: '/srv/blobs',
      uploadBytesMax: 1_048_576,
      feedHeartbeatMs: 200,
      feedSlowClientMs: 300,
      photoBytesMax: 2_097_152,
      photoNearDuplicateBits: 8,
      photoSiteDistanceMetres: 500,
      webhookAllowedHosts: ['hooks.internal', '127.0.0.1'],
      webhookAttempts: 5,
      webhookBackoffMs: 250,
      webhookTimeoutMs: 3000,
      webhookBatchMax: 500,
      webhookPollMs: 200,
      webhookSecretOverlapMs: 3_600_000,
      webhookSecretKey: 'k'.repeat(32),
    });
  });

  it('given a bad webhook setting, when loaded, then the error names the variable and not the key', () => {
    expect(() => loadAppConfig({ WEBHOOK_ALLOWED_HOSTS: 'a b' })).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    expect(() => loadAppConfig({ WEBHOOK_ATTEMPTS: '0' })).toThrow(/WEBHOOK_ATTEMPTS/);
    expect(() => loadAppConfig({ WEBHOOK_BATCH_MAX: '5000' })).toThrow(/WEBHOOK_BATCH_MAX/);
    expect(() => loadAppConfig({ WEBHOOK_SECRET_KEY: 'short-secret' })).toThrow(
      /WEBHOOK_SECRET_KEY must be at least 32/,
    );
    expect(() => loadAppConfig({ WEBHOOK_SECRET_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('given a bad job or upload setting, when loaded, then the error names the variable', () => {
    expect(() => loadAppConfig({ REDIS_URL: 'http://redis:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadAppConfig({ RUN_WORKERS: 'yes' })).toThrow(/RUN_WORKERS/);
    expect(() => loadAppConfig({ JOB_LOCK_MS: '10' })).toThrow(/JOB_LOCK_MS/);
    expect(() => loadAppConfig({ JOBS_PREFIX: 'Has Spaces' })).toThrow(/JOBS_PREFIX/);
    expect(() => loadAppConfig({ UPLOAD_BYTES_MAX: '0' })).toThrow(/UPLOAD_BYTES_MAX/);
  });

  it('given READ_STORE=mongodb without MONGODB_URL, or an unknown read store, when loaded, then the error names the variable', () => {
    expect(() => loadAppConfig({ READ_STORE: 'mongodb' })).toThrow(/MONGODB_URL/);
    expect(() => loadAppConfig({ READ_STORE: 'redis' })).toThrow(/READ_STORE/);
    expect(() => loadAppConfig({ IDLE_DAYS: '0' })).toThrow(/IDLE_DAYS/);
  });

  it('given a log key that is not a signer key, an origin with a space or a zero checkpoint count, when loaded, then the error names the variable and not the key', () => {
    expect(() => loadAppConfig({ SUNLIGHT_LOG_KEY: 'secret-value-not-a-key' })).toThrow(
      /SUNLIGHT_LOG_KEY must be a signer key/,
    );
    expect(() => loadAppConfig({ SUNLIGHT_LOG_KEY: 'secret-value-not-a-key' })).not.toThrow(
      /secret-value/,
    );
    expect(() => loadAppConfig({ SUNLIGHT_LOG_ORIGIN: 'my log' })).toThrow(/SUNLIGHT_LOG_ORIGIN/);
    expect(() => loadAppConfig({ CHECKPOINT_EVERY_EVENTS: '0' })).toThrow(
      /CHECKPOINT_EVERY_EVENTS/,
    );
    expect(() => loadAppConfig({ CHECKPOINT_INTERVAL_MS: '10' })).toThrow(/CHECKPOINT_INTERVAL_MS/);
  });

  it('given a witness list with an unknown level or one witness twice, when loaded, then the error names SUNLIGHT_WITNESS_KEYS', () => {
    expect(() => loadAppConfig({ SUNLIGHT_WITNESS_KEYS: `village:${witnessVkey}` })).toThrow(
      /SUNLIGHT_WITNESS_KEYS: .*level of province/,
    );
    expect(() =>
      loadAppConfig({ SUNLIGHT_WITNESS_KEYS: `county:${witnessVkey},province:${witnessVkey}` }),
    ).toThrow(/SUNLIGHT_WITNESS_KEYS: .*listed twice/);
  });

  it('given a drain bound that is not a whole number of milliseconds up to five minutes, when loaded, then the error names SHUTDOWN_DRAIN_MS', () => {
    for (const value of ['-1', '1.5', '10s', '300001']) {
      expect(() => loadAppConfig({ SHUTDOWN_DRAIN_MS: value })).toThrow(
        `SHUTDOWN_DRAIN_MS must be an integer from 0 to 300000 (got "${value}")`,
      );
    }
    expect(loadAppConfig({ SHUTDOWN_DRAIN_MS: '0' }).shutdownDrainMs).toBe(0);
  });

  it('given KURRENTDB_URL, when loaded, then the start is refused, naming each part that still reads the log from PostgreSQL and none that KurrentDB has', () => {
    let refusal: unknown;
    try {
      loadAppConfig({ KURRENTDB_URL: 'kurrentdb://admin:changeit@localhost:2113' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppConfigError);
    const [problem] = (refusal as AppConfigError).problems;
    expect(problem).toMatch(
      /^KURRENTDB_URL is set, but the app cannot keep its log on KurrentDB yet: /,
    );
    expect(problem).toContain('the Merkle tree and signed checkpoints');
    expect(problem).toContain("the projections' worker threads");
    expect(problem).toContain('`sunlight verify`');
    // Exactly the parts the adapter lacks are named: none of those it has (claims, snapshots …).
    for (const { part, onKurrentDb } of kurrentDbLogParts) {
      expect([part, problem.includes(part)]).toEqual([part, !onKurrentDb]);
    }
    expect(
      kurrentDbLogParts.filter((entry) => entry.onKurrentDb).map((entry) => entry.part),
    ).toEqual(expect.arrayContaining(['claims', 'snapshots', 'processor checkpoints']));
    expect(problem).not.toContain('changeit');
    const notAUrl = () => loadAppConfig({ KURRENTDB_URL: 'http://admin:secret-password@host' });
    expect(notAUrl).toThrow(/KURRENTDB_URL must be a kurrentdb:\/\//);
    expect(notAUrl).not.toThrow(/secret-password/);
    expect(loadAppConfig({ KURRENTDB_URL: '' })).toEqual(loadAppConfig({}));
  });

  it('given empty strings, when loaded, then they count as unset', () => {
    expect(loadAppConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000 });
    expect(loadAppConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it('given PORT=0, when loaded, then it is accepted so tests can ask for a free port', () => {
    expect(loadAppConfig({ PORT: '0' }).port).toBe(0);
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT must be an integer/],
    ['EMBEDDED_PG_PORT', '-1', /EMBEDDED_PG_PORT must be an integer/],
    ['PG_POOL_SIZE', '0', /PG_POOL_SIZE must be an integer from 1 to 50/],
    ['PG_POOL_SIZE', '2.5', /PG_POOL_SIZE must be an integer/],
    [
      'LOG_LEVEL',
      'loud',
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/,
    ],
    [
      'DATABASE_URL',
      'mysql://u:p@h/db',
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 32 characters/],
    ['RUN_PROJECTIONS', 'yes', /RUN_PROJECTIONS must be true or false \(got "yes"\)/],
    ['RUN_PROCESSORS', '0', /RUN_PROCESSORS must be true or false \(got "0"\)/],
  ])('given %s=%s, when loaded, then the error names the variable', (name, value, message) => {
    expect(() => loadAppConfig({ [name]: value })).toThrow(message);
  });

  it('given the logins a DBA made, when loaded, then the app and the projections use them', () => {
    const config = loadAppConfig({
      DATABASE_URL: 'postgres://sunlight_owner:o@db:5432/sunlight',
      DATABASE_APP_URL: 'postgres://sunlight_api:a@db:5432/sunlight',
      DATABASE_PROJECTOR_URL: 'postgresql://sunlight_worker:w@db:5432/sunlight',
    });
    expect(config).toMatchObject({
      databaseAppUrl: 'postgres://sunlight_api:a@db:5432/sunlight',
      databaseProjectorUrl: 'postgresql://sunlight_worker:w@db:5432/sunlight',
    });
    expect(loadAppConfig({})).not.toHaveProperty('databaseAppUrl');
  });

  it.each([
    [
      { DATABASE_APP_URL: 'mysql://u:p@h/db' },
      /DATABASE_APP_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    [
      { DATABASE_URL: 'postgres://o:p@h/db', DATABASE_PROJECTOR_URL: 'postgres://h/db' },
      /DATABASE_PROJECTOR_URL must name the login/,
    ],
    [{ DATABASE_APP_URL: 'postgres://api:p@h/db' }, /DATABASE_APP_URL needs DATABASE_URL/],
    [
      { DATABASE_URL: 'postgres://owner:p@h/db', DATABASE_APP_URL: 'postgres://owner:p@h/db' },
      /DATABASE_APP_URL must log in as another role than DATABASE_URL/,
    ],
  ])(
    'given the login URLs %j, when loaded, then the error names the variable and hides the password',
    (env, message) => {
      let error: unknown;
      try {
        loadAppConfig(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AppConfigError);
      expect((error as AppConfigError).message).toMatch(message);
      expect((error as AppConfigError).message).not.toMatch(/:p@/);
    },
  );

  it('given several bad values, when loaded, then one error lists them all and no secret is echoed', () => {
    let error: unknown;
    try {
      loadAppConfig({ PORT: 'x', LOG_LEVEL: 'y', DATABASE_URL: 'mysql://user:hunter2@h/db' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppConfigError);
    expect((error as AppConfigError).problems).toHaveLength(3);
    expect((error as AppConfigError).message).not.toContain('hunter2');
  });
});
