// Proves, on the running app's own connections, that the app logs in as a role that is no superuser and cannot become the log's owner (SET ROLE, RESET ROLE, SET SESSION AUTHORIZATION all fail to give back INSERT or UPDATE on events), in the embedded default run as with DATABASE_URL; that the projections' connection writes only its own tables; and that logins a DBA made (DATABASE_APP_URL, DATABASE_PROJECTOR_URL) are used as given, and refused when they are too mighty.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Pool } from 'pg';
import { READ_STORE } from '@sunlight/read-store';
import { EVENT_STORE } from '@sunlight/event-store';
import { runMigrations } from '@sunlight/event-store/postgres';
import { ensureLoginRole, withLogin, type LoginCredentials } from '@sunlight/postgres';
import { freePort } from '../bench/support/free-port';
import { ensureBuilt, startChildApp, waitForHealth, type ChildApp } from './support/child-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const insufficientPrivilege = '42501';

function privilegeError(pattern: RegExp) {
  return expect.objectContaining({
    code: insufficientPrivilege,
    message: expect.stringMatching(pattern),
  });
}

/** The app in this process, with the settings these cases share. */
async function startApp(env: Record<string, string>): Promise<NestExpressApplication> {
  const { app } = await startTestApp({
    PG_POOL_SIZE: '2',
    JWT_SECRET: 'database-roles-e2e-secret'.padEnd(48, 'x'),
    ...env,
  });
  return app;
}

/** The pool of the app's event store (the app's role) and of its read store (the projections'). */
function poolsOf(app: NestExpressApplication): { app: Pool; projector: Pool } {
  return {
    app: app.get<{ pool: Pool }>(EVENT_STORE).pool,
    projector: app.get<{ pool: Pool }>(READ_STORE).pool,
  };
}

/** Runs `work` on a connection of `pool` that is discarded afterwards (its session was tampered with). */
async function onConnection<T>(pool: Pool, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client as unknown as Client);
  } finally {
    client.release(true);
  }
}

async function one<T>(client: Client, sql: string): Promise<T> {
  return (await client.query(sql)).rows[0] as T;
}

/**
 * Every way a session might take back rights: becoming the log's owner or the other group role,
 * going back to the login role, or switching the session's user. None may yield INSERT or UPDATE
 * on events, and the login must be no superuser.
 */
async function expectNoWayToTheLog(pool: Pool, groupRole: string, otherGroupRole: string) {
  await onConnection(pool, async (client) => {
    const identity = await one<{
      current: string;
      login: string;
      superuser: boolean;
      owner: string;
    }>(
      client,
      `SELECT current_user AS current, session_user AS login,
              (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS superuser,
              pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = 'public.events'::regclass)) AS owner`,
    );
    expect(identity).toMatchObject({ current: groupRole, superuser: false });
    expect(identity.login).not.toBe(identity.owner);
    const owner = client.escapeIdentifier(identity.owner);
    await expect(client.query(`SET ROLE ${owner}`)).rejects.toEqual(
      privilegeError(/permission denied to set role/),
    );
    await expect(client.query(`SET ROLE ${otherGroupRole}`)).rejects.toEqual(
      privilegeError(/permission denied to set role/),
    );
    await expect(client.query(`SET SESSION AUTHORIZATION ${owner}`)).rejects.toEqual(
      privilegeError(/permission denied to set session authorization/),
    );
    // RESET ROLE goes back to the role the connection started as, SET ROLE NONE to the login.
    for (const reset of ['RESET ROLE', 'SET ROLE NONE', 'RESET SESSION AUTHORIZATION']) {
      await client.query(reset);
      expect(
        await one(
          client,
          `SELECT current_user IN (session_user, '${groupRole}') AS as_login_or_group,
                  has_table_privilege('public.events', 'INSERT') AS can_insert,
                  has_table_privilege('public.events', 'UPDATE') AS can_update`,
        ),
      ).toEqual({ as_login_or_group: true, can_insert: false, can_update: false });
      await expect(
        client.query(
          `INSERT INTO public.events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
           VALUES (1000000, 'pool-x.53', 0, gen_random_uuid(), 'FundsAppropriated', '{}', '{}', now(), sha256('x'))`,
        ),
      ).rejects.toEqual(privilegeError(/permission denied for table events/));
      await expect(
        client.query(`UPDATE public.events SET type = 'Forged' WHERE position = 1`),
      ).rejects.toEqual(privilegeError(/permission denied for table events/));
    }
  });
}

describe('database roles of the running app', () => {
  describe('with DATABASE_URL', () => {
    let databaseUrl: string;
    let dataDir: string;
    let app: NestExpressApplication;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'roles');
      dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roles-e2e-'));
      app = await startApp({ DATABASE_URL: databaseUrl, SUNLIGHT_DATA_DIR: dataDir });
    });
    afterAll(async () => {
      await app?.close();
      if (databaseUrl) await dropTestDatabase(databaseUrl);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("gives the app's connection no way back to the log's owner or to a direct write", async () => {
      await expectNoWayToTheLog(poolsOf(app).app, 'sunlight_app', 'sunlight_projector');
    });

    it("gives the projections' connection no way to the log either", async () => {
      await expectNoWayToTheLog(poolsOf(app).projector, 'sunlight_projector', 'sunlight_app');
    });

    it("lets the projections' connection write its own tables and nobody else's", async () => {
      await onConnection(poolsOf(app).projector, async (client) => {
        await client.query(
          `INSERT INTO public.processor_checkpoints (processor, position, updated_at)
           VALUES ('roles-e2e', '1', now()) ON CONFLICT (processor) DO NOTHING`,
        );
        await client.query(
          `INSERT INTO read_checkpoints (projection, version, position) VALUES ('roles-e2e', 1, '1')
           ON CONFLICT DO NOTHING`,
        );
        await expect(
          client.query(
            `INSERT INTO public.snapshots (stream_name, schema_version, revision, state, taken_at)
             VALUES ('pool-x.53', 1, 0, '{}', now())`,
          ),
        ).rejects.toEqual(privilegeError(/permission denied for table snapshots/));
      });
    });

    it("keeps the app's connection out of the read models and the processors' checkpoints", async () => {
      await onConnection(poolsOf(app).app, async (client) => {
        await expect(
          client.query(
            `INSERT INTO sunlight_read.read_checkpoints (projection, version, position)
             VALUES ('forged', 1, '1')`,
          ),
        ).rejects.toEqual(privilegeError(/permission denied for schema sunlight_read/));
        await expect(
          client.query(
            `INSERT INTO processor_checkpoints (processor, position, updated_at) VALUES ('forged', '9', now())`,
          ),
        ).rejects.toEqual(privilegeError(/permission denied for table processor_checkpoints/));
      });
    });
  });

  describe('in the default run, on the embedded PostgreSQL it starts itself', () => {
    let dataDir: string;
    let port: number;
    let child: ChildApp | undefined;

    beforeAll(async () => {
      // Started as a process of its own: the embedded server is an ES module Jest cannot load.
      ensureBuilt();
      dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roles-embedded-'));
      port = await freePort();
      child = await startChildApp({
        SUNLIGHT_DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      await waitForHealth(child, (body) => body.status === 'ok', 120_000);
    });
    afterAll(async () => {
      await child?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('logs in as the generated roles kept in the data directory, which cannot become the superuser', async () => {
      const logins = JSON.parse(
        await readFile(path.join(dataDir, 'database-logins.json'), 'utf8'),
      ) as Record<'app' | 'projector', LoginCredentials>;
      const databaseUrl = `postgres://postgres:sunlight@127.0.0.1:${port}/sunlight`;
      const superuser = new Client({ connectionString: databaseUrl });
      await superuser.connect();
      try {
        const { rows } = await superuser.query<{ login: string }>(
          `SELECT DISTINCT usename AS login FROM pg_stat_activity
            WHERE datname = 'sunlight' AND pid <> pg_backend_pid() AND usename IS NOT NULL`,
        );
        expect(rows.map((row) => row.login).sort()).toEqual(
          [logins.app.user, logins.projector.user].sort(),
        );
      } finally {
        await superuser.end();
      }
      for (const [purpose, group, other] of [
        ['app', 'sunlight_app', 'sunlight_projector'],
        ['projector', 'sunlight_projector', 'sunlight_app'],
      ] as const) {
        const pool = new Pool({
          connectionString: withLogin(databaseUrl, logins[purpose]),
          options: `-c role=${group}`,
          max: 1,
        });
        try {
          await expectNoWayToTheLog(pool, group, other);
        } finally {
          await pool.end();
        }
      }
    });
  });

  describe('with logins a DBA created', () => {
    let databaseUrl: string;
    let dataDir: string;
    let owner: Client;
    const dbaLogin = (role: string): LoginCredentials => ({
      user: `sunlight_test_dba_${role}_${randomBytes(4).toString('hex')}`,
      password: randomBytes(18).toString('base64url'),
    });
    const appLogin = dbaLogin('app');
    const projectorLogin = dbaLogin('projector');
    const mightyLogin = dbaLogin('mighty');

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'dba_roles');
      dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roles-dba-'));
      owner = new Client({ connectionString: databaseUrl });
      await owner.connect();
      await runMigrations(owner);
      await ensureLoginRole(owner, appLogin, 'sunlight_app');
      await ensureLoginRole(owner, projectorLogin, 'sunlight_projector');
    });
    afterAll(async () => {
      await owner.end();
      if (databaseUrl) await dropTestDatabase(databaseUrl);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      const admin = new Client({ connectionString: requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL') });
      await admin.connect();
      for (const login of [appLogin, projectorLogin, mightyLogin])
        await admin.query(`DROP ROLE IF EXISTS ${login.user}`);
      await admin.end();
    });

    it('logs in as DATABASE_APP_URL and DATABASE_PROJECTOR_URL, and generates no login of its own', async () => {
      const app = await startApp({
        DATABASE_URL: databaseUrl,
        DATABASE_APP_URL: withLogin(databaseUrl, appLogin),
        DATABASE_PROJECTOR_URL: withLogin(databaseUrl, projectorLogin),
        SUNLIGHT_DATA_DIR: dataDir,
      });
      try {
        const pools = poolsOf(app);
        const loginOf = (pool: Pool) =>
          onConnection(pool, (client) =>
            one<{ login: string }>(client, 'SELECT session_user AS login'),
          );
        expect(await loginOf(pools.app)).toEqual({ login: appLogin.user });
        expect(await loginOf(pools.projector)).toEqual({ login: projectorLogin.user });
        await expectNoWayToTheLog(pools.app, 'sunlight_app', 'sunlight_projector');
        expect(await readdir(dataDir)).not.toContain('database-logins.json');
      } finally {
        await app.close();
      }
    });

    it('refuses to start, naming the variable, when DATABASE_APP_URL is the owner or a superuser', async () => {
      await expect(
        startApp({
          DATABASE_URL: databaseUrl,
          DATABASE_APP_URL: databaseUrl,
          SUNLIGHT_DATA_DIR: dataDir,
        }),
      ).rejects.toThrow(/DATABASE_APP_URL must log in as another role than DATABASE_URL/);
      await owner.query(
        `CREATE ROLE ${mightyLogin.user} LOGIN SUPERUSER PASSWORD ${owner.escapeLiteral(mightyLogin.password)}`,
      );
      await expect(
        startApp({
          DATABASE_URL: databaseUrl,
          DATABASE_APP_URL: withLogin(databaseUrl, mightyLogin),
          SUNLIGHT_DATA_DIR: dataDir,
        }),
      ).rejects.toThrow(
        new RegExp(
          `DATABASE_APP_URL has more rights than sunlight_app may: login ${mightyLogin.user} is a superuser`,
        ),
      );
    });
  });
});
