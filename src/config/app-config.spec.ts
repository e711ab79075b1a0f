// Proves that the environment is read into a typed config with documented defaults, and that a bad value fails the start with a message naming the variable.
import { AppConfigError, loadAppConfig } from './app-config';

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
      shutdownDrainMs: 10_000,
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
      shutdownDrainMs: 2500,
    });
  });

  it('given READ_STORE=mongodb without MONGODB_URL, or an unknown read store, when loaded, then the error names the variable', () => {
    expect(() => loadAppConfig({ READ_STORE: 'mongodb' })).toThrow(/MONGODB_URL/);
    expect(() => loadAppConfig({ READ_STORE: 'redis' })).toThrow(/READ_STORE/);
    expect(() => loadAppConfig({ IDLE_DAYS: '0' })).toThrow(/IDLE_DAYS/);
  });

  it('given a drain bound that is not a whole number of milliseconds up to five minutes, when loaded, then the error names SHUTDOWN_DRAIN_MS', () => {
    for (const value of ['-1', '1.5', '10s', '300001']) {
      expect(() => loadAppConfig({ SHUTDOWN_DRAIN_MS: value })).toThrow(
        `SHUTDOWN_DRAIN_MS must be an integer from 0 to 300000 (got "${value}")`,
      );
    }
    expect(loadAppConfig({ SHUTDOWN_DRAIN_MS: '0' }).shutdownDrainMs).toBe(0);
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
