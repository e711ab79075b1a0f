/**
 * Proves, on the embedded PostgreSQL 18 and on DATABASE_URL's server, who may write the log:
 * logged in as the application's role, a correctly chained event inserted straight into `events`
 * is refused (so `verify` cannot be fooled that way) while `sunlight_append` still appends;
 * `sunlight_append` runs as its owner with a fixed search_path that a temporary table cannot
 * redirect; nobody else may call it or its one-by-one helper; and the projections' role reads the
 * log, appends through the function and writes processor checkpoints, and nothing else.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { chainHash } from '@sunlight/integrity';
import { ensureLoginRole, withLogin, type LoginCredentials } from '@sunlight/postgres';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { validateAppend } from '../append-validation';
import { newEvent } from '../testing/event-store.contract';
import { appendSql, singleAppendParameters } from './event-rows';
import { appRoleName, projectorRoleName } from './migrations';
import { PostgresEventStore } from './postgres-event-store';
import { verifyPostgresLog } from './verify-postgres-log';

const insufficientPrivilege = '42501';

function testLogin(label: string): LoginCredentials {
  return {
    user: `sunlight_test_${label}_${randomBytes(5).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
  };
}

for (const target of postgresTargets()) {
  describe(`database roles of the log (${target.label})`, () => {
    let databaseUrl: string;
    let owner: Client;
    let store: PostgresEventStore;
    const appLogin = testLogin('app');
    const projectorLogin = testLogin('projector');
    const strangerLogin = testLogin('stranger');
    const clients: Client[] = [];

    /** A connection as `login`, acting as `role` (set at start-up, as the app does). */
    const connectAs = async (login: LoginCredentials, role?: string): Promise<Client> => {
      const client = new Client({
        connectionString: withLogin(databaseUrl, login),
        ...(role === undefined ? {} : { options: `-c role=${role}` }),
      });
      await client.connect();
      clients.push(client);
      return client;
    };

    const privilegeError = (pattern: RegExp) =>
      expect.objectContaining({
        code: insufficientPrivilege,
        message: expect.stringMatching(pattern),
      });

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'roles');
      store = await PostgresEventStore.open({ connectionString: databaseUrl });
      owner = new Client({ connectionString: databaseUrl });
      await owner.connect();
      await ensureLoginRole(owner, appLogin, appRoleName);
      await ensureLoginRole(owner, projectorLogin, projectorRoleName);
      await owner.query(
        `CREATE ROLE ${strangerLogin.user} LOGIN PASSWORD ${owner.escapeLiteral(strangerLogin.password)}`,
      );
      await store.appendToStream('fund-f1', [newEvent('FundLineCreated', { fundId: 'f1' })], {
        expectedRevision: 'no_stream',
      });
    });
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await store.close();
      await owner.end();
      await dropTestDatabase(databaseUrl);
      // Roles belong to the whole server, which other test runs share: leave none behind.
      const admin = new Client({ connectionString: target.adminUrl });
      await admin.connect();
      try {
        for (const login of [appLogin, projectorLogin, strangerLogin])
          await admin.query(`DROP ROLE IF EXISTS ${login.user}`);
      } finally {
        await admin.end();
      }
    });

    it('refuses a correctly chained event inserted directly by the app role, so verify still vouches for the log', async () => {
      const app = await connectAs(appLogin, appRoleName);
      const { rows } = await app.query<{ position: string; hash: Buffer }>(
        'SELECT position, hash FROM events ORDER BY position DESC LIMIT 1',
      );
      const position = (BigInt(rows[0].position) + 1n).toString();
      const recordedAt = new Date();
      const forged = {
        position,
        stream: 'pool-f1.530325',
        revision: '0',
        id: randomUUID(),
        type: 'FundsAppropriated',
        data: { fundId: 'f1', amountFen: '99999999' },
        metadata: { actor: { id: 'nobody', role: 'finance' } },
        recordedAt: recordedAt.toISOString(),
      };
      const insert = app.query(
        `INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          forged.position,
          forged.stream,
          forged.revision,
          forged.id,
          forged.type,
          forged.data,
          forged.metadata,
          recordedAt,
          chainHash(rows[0].hash, forged),
        ],
      );
      await expect(insert).rejects.toEqual(privilegeError(/permission denied for table events/));
      const verified = await verifyPostgresLog({ connectionString: databaseUrl });
      expect(verified).toMatchObject({ ok: true, eventsChecked: Number(rows[0].position) });
    });

    it('lets the app role append through sunlight_append, which runs as the owner with a fixed search_path', async () => {
      const appStore = await PostgresEventStore.open({
        connectionString: withLogin(databaseUrl, appLogin),
        migrate: false,
      });
      try {
        const event = newEvent('AllocationSent', { amountFen: '100' });
        const result = await appStore.appendToStream('pool-f1.53', [event], {
          expectedRevision: 'no_stream',
        });
        const { rows } = await owner.query('SELECT event_id FROM events WHERE position = $1', [
          BigInt(result.position).toString(),
        ]);
        expect(rows).toEqual([{ event_id: event.eventId }]);
      } finally {
        await appStore.close();
      }
      const { rows } = await owner.query<{
        proname: string;
        prosecdef: boolean;
        proconfig: string[];
      }>(
        `SELECT proname, prosecdef, proconfig FROM pg_proc
          WHERE proname IN ('sunlight_append', 'sunlight_append_one_by_one') ORDER BY proname`,
      );
      const pinned = expect.arrayContaining([
        expect.stringMatching(/^search_path=pg_catalog, "?public"?, pg_temp$/),
      ]);
      expect(rows).toEqual([
        { proname: 'sunlight_append', prosecdef: true, proconfig: pinned },
        { proname: 'sunlight_append_one_by_one', prosecdef: false, proconfig: pinned },
      ]);
    });

    it('cannot be redirected by a temporary table named events, nor by objects the app role creates', async () => {
      const app = await connectAs(appLogin, appRoleName);
      await app.query('CREATE TEMP TABLE events (LIKE public.events INCLUDING ALL)');
      const event = newEvent('AllocationSent', { amountFen: '200' });
      const append = validateAppend('pool-f1.54', [event], { expectedRevision: 'any' });
      const { rows } = await app.query(appendSql, singleAppendParameters(append, 'any'));
      expect(rows[0].result).toBe('ok');
      expect((await app.query('SELECT count(*)::int AS n FROM pg_temp.events')).rows).toEqual([
        { n: 0 },
      ]);
      const written = await owner.query('SELECT position FROM events WHERE event_id = $1', [
        event.eventId,
      ]);
      expect(written.rows).toEqual([{ position: rows[0].last_position }]);
      await expect(
        app.query(`CREATE FUNCTION public.sha256(bytea) RETURNS bytea LANGUAGE sql AS 'SELECT $1'`),
      ).rejects.toEqual(privilegeError(/permission denied for schema public/));
      await expect(app.query('CREATE SCHEMA sunlight_shadow')).rejects.toEqual(
        privilegeError(/permission denied for database/),
      );
      expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
    });

    it('refuses the one-by-one helper to the app role, and sunlight_append to every other role', async () => {
      const app = await connectAs(appLogin, appRoleName);
      const append = validateAppend('pool-f1.55', [newEvent()], { expectedRevision: 'any' });
      await expect(
        app.query(
          'SELECT * FROM sunlight_append_one_by_one($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          singleAppendParameters(append, 'any'),
        ),
      ).rejects.toEqual(
        privilegeError(/permission denied for function sunlight_append_one_by_one/),
      );
      const stranger = await connectAs(strangerLogin);
      await expect(
        stranger.query(appendSql, singleAppendParameters(append, 'any')),
      ).rejects.toEqual(privilegeError(/permission denied for function sunlight_append/));
      await expect(stranger.query('SELECT count(*) FROM events')).rejects.toEqual(
        privilegeError(/permission denied for table events/),
      );
    });

    it('gives the projections role the log to read, the append function and processor checkpoints, and nothing else', async () => {
      const projector = await connectAs(projectorLogin, projectorRoleName);
      expect(
        (await projector.query('SELECT count(*)::int AS n FROM events')).rows[0].n,
      ).toBeGreaterThan(0);
      const append = validateAppend('pool-f1.56', [newEvent()], { expectedRevision: 'any' });
      expect(
        (await projector.query(appendSql, singleAppendParameters(append, 'any'))).rows[0].result,
      ).toBe('ok');
      await projector.query(
        `INSERT INTO processor_checkpoints (processor, position, updated_at) VALUES ('test', '1', now())
         ON CONFLICT (processor) DO UPDATE SET position = EXCLUDED.position`,
      );
      await expect(
        projector.query(`UPDATE events SET type = 'Forged' WHERE position = 1`),
      ).rejects.toEqual(privilegeError(/permission denied for table events/));
      await expect(
        projector.query(
          `INSERT INTO snapshots (stream_name, schema_version, revision, state, taken_at)
           VALUES ('pool-f1.53', 1, 0, '{}', now())`,
        ),
      ).rejects.toEqual(privilegeError(/permission denied for table snapshots/));
    });

    it('lets the app role write snapshots but not processor checkpoints', async () => {
      const app = await connectAs(appLogin, appRoleName);
      await app.query(
        `INSERT INTO snapshots (stream_name, schema_version, revision, state, taken_at)
         VALUES ('pool-f1.53', 1, 0, '{}', now())`,
      );
      await expect(
        app.query(
          `INSERT INTO processor_checkpoints (processor, position, updated_at) VALUES ('forged', '9', now())`,
        ),
      ).rejects.toEqual(privilegeError(/permission denied for table processor_checkpoints/));
      await expect(app.query('DELETE FROM snapshots')).rejects.toEqual(
        privilegeError(/permission denied for table snapshots/),
      );
    });
  });
}
