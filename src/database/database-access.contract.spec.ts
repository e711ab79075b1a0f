// Proves, on the embedded PostgreSQL 18 and on DATABASE_URL's server, that instances starting at once prepare the database without failing: three on one fresh database with one data directory end with the same working logins, and two on two databases of one server with two data directories each get logins of their own, roles being shared by the whole server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loginOf } from '@sunlight/postgres';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../test/support/test-database';
import { prepareDatabaseAccess, type DatabaseAccess } from './database-access';

for (const target of postgresTargets()) {
  describe(`preparing the database from instances starting at once (${target.label})`, () => {
    const databases: string[] = [];
    const dataDirs: string[] = [];
    const logins = new Set<string>();

    afterAll(async () => {
      for (const database of databases) await dropTestDatabase(database);
      for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
      // Roles belong to the whole server, which other test runs share: leave none behind.
      const admin = new Client({ connectionString: target.adminUrl });
      await admin.connect();
      try {
        for (const login of logins) await admin.query(`DROP ROLE IF EXISTS ${login}`);
      } finally {
        await admin.end();
      }
    });

    const fresh = async () => {
      const database = await createTestDatabase(target.adminUrl, 'access');
      databases.push(database);
      const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-access-'));
      dataDirs.push(dataDir);
      return { database, dataDir };
    };
    const remember = (access: DatabaseAccess) => {
      for (const url of [access.appUrl, access.projectorUrl]) logins.add(loginOf(url) as string);
      return access;
    };
    /** Logs in as the app's login and reads the log: the login exists, with its password. */
    const readsTheLog = async (access: DatabaseAccess) => {
      const client = new Client({
        connectionString: access.appUrl,
        options: '-c role=sunlight_app',
      });
      await client.connect();
      try {
        return (await client.query('SELECT count(*)::int AS n FROM events')).rows[0];
      } finally {
        await client.end();
      }
    };

    it('prepares one fresh database three times at once, with one set of logins', async () => {
      const { database, dataDir } = await fresh();
      const accesses = (
        await Promise.all([1, 2, 3].map(() => prepareDatabaseAccess(database, { dataDir })))
      ).map(remember);
      expect(new Set(accesses.map((access) => access.appUrl)).size).toBe(1);
      expect(new Set(accesses.map((access) => access.projectorUrl)).size).toBe(1);
      expect(await readsTheLog(accesses[0])).toEqual({ n: 0 });
    });

    it('prepares two databases of one server at once, each data directory with logins of its own', async () => {
      const [first, second] = await Promise.all([fresh(), fresh()]);
      const [a, b] = (
        await Promise.all(
          [first, second].map(({ database, dataDir }) =>
            prepareDatabaseAccess(database, { dataDir }),
          ),
        )
      ).map(remember);
      expect(loginOf(a.appUrl)).not.toBe(loginOf(b.appUrl));
      expect(await readsTheLog(a)).toEqual({ n: 0 });
      expect(await readsTheLog(b)).toEqual({ n: 0 });
    });
  });
}
