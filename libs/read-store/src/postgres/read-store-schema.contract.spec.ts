// Proves, on the embedded PostgreSQL 18 and on DATABASE_URL's server, that the owner's preparation gives the projections' role a schema of its own where it creates, writes and drops its tables and nobody else can, and that a read store of an earlier release (in the owner's `public` schema) is moved there whole, documents, checkpoints and active versions intact, with nothing rebuilt.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureLoginRole, withLogin, type LoginCredentials } from '@sunlight/postgres';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { position } from '../testing/read-store.contract';
import { readStoreSchemaDefault } from './migrations';
import { PostgresReadStore } from './postgres-read-store';
import { prepareReadStoreSchema } from './read-store-schema';

const insufficientPrivilege = '42501';
const projection = 'dashboards';
const collection = 'divisions';

function uniqueName(label: string): string {
  return `sunlight_test_${label}_${randomBytes(5).toString('hex')}`;
}

for (const target of postgresTargets()) {
  describe(`the read store's schema (${target.label})`, () => {
    const writerRole = uniqueName('writers');
    const outsiderRole = uniqueName('outsiders');
    const writer: LoginCredentials = {
      user: uniqueName('writer'),
      password: randomBytes(18).toString('base64url'),
    };
    const outsider: LoginCredentials = {
      user: uniqueName('outsider'),
      password: randomBytes(18).toString('base64url'),
    };
    let admin: Client;
    const databases: string[] = [];

    beforeAll(async () => {
      admin = new Client({ connectionString: target.adminUrl });
      await admin.connect();
      await admin.query(`CREATE ROLE ${writerRole} NOLOGIN`);
      await admin.query(`CREATE ROLE ${outsiderRole} NOLOGIN`);
      await ensureLoginRole(admin, writer, writerRole);
      await ensureLoginRole(admin, outsider, outsiderRole);
    });
    afterAll(async () => {
      for (const database of databases) await dropTestDatabase(database);
      for (const role of [writer.user, outsider.user, writerRole, outsiderRole])
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    });

    /** A fresh database, and the owner's connection to it. */
    const database = async (): Promise<{ url: string; owner: Client }> => {
      const url = await createTestDatabase(target.adminUrl, 'read_schema');
      databases.push(url);
      const owner = new Client({ connectionString: url });
      await owner.connect();
      return { url, owner };
    };
    const openAsWriter = (url: string) =>
      PostgresReadStore.open({ connectionString: withLogin(url, writer), role: writerRole });
    const ownersIn = async (owner: Client, schema: string) =>
      (
        await owner.query<{ name: string; owner: string }>(
          `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1`,
          [schema],
        )
      ).rows;
    const batch = (id: string, at: number) => ({
      projection,
      version: 1,
      documents: [{ collection, document: { id, lastPosition: position(at), n: at } }],
      position: position(at),
    });

    it('gives the role a schema where it creates, writes and drops its tables, and which nobody else can enter', async () => {
      const { url, owner } = await database();
      try {
        await prepareReadStoreSchema(owner, { schema: readStoreSchemaDefault, role: writerRole });
        const store = await openAsWriter(url);
        try {
          await store.commitBatch(batch('a', 1));
          await store.activateVersion(projection, 1);
          expect(await store.get(projection, collection, 'a')).toMatchObject({ n: 1 });
          await store.commitBatch({ ...batch('b', 2), version: 2 });
          await store.activateVersion(projection, 2);
        } finally {
          await store.close();
        }
        const tables = await ownersIn(owner, readStoreSchemaDefault);
        expect(tables.length).toBeGreaterThan(3);
        expect(new Set(tables.map((table) => table.owner))).toEqual(new Set([writerRole]));
        expect(await ownersIn(owner, 'public')).toEqual([]);

        const stranger = new Client({ connectionString: withLogin(url, outsider) });
        await stranger.connect();
        try {
          await expect(
            stranger.query(`SELECT * FROM ${readStoreSchemaDefault}.read_checkpoints`),
          ).rejects.toMatchObject({ code: insufficientPrivilege });
          await expect(
            stranger.query(`CREATE TABLE ${readStoreSchemaDefault}.intruder (id int)`),
          ).rejects.toMatchObject({ code: insufficientPrivilege });
        } finally {
          await stranger.end();
        }
      } finally {
        await owner.end();
      }
    });

    it("moves an earlier release's read store out of the owner's schema whole, and hands it to the role", async () => {
      const { url, owner } = await database();
      try {
        const legacy = await PostgresReadStore.open({ connectionString: url, schema: 'public' });
        try {
          await legacy.commitBatch(batch('a', 1));
          await legacy.commitBatch(batch('b', 2));
          await legacy.activateVersion(projection, 1);
        } finally {
          await legacy.close();
        }
        const before = (await ownersIn(owner, 'public')).map((table) => table.name);
        expect(before).toEqual(
          expect.arrayContaining(['read_collections', 'read_store_migrations']),
        );

        await prepareReadStoreSchema(owner, { schema: readStoreSchemaDefault, role: writerRole });
        await prepareReadStoreSchema(owner, { schema: readStoreSchemaDefault, role: writerRole });

        expect(await ownersIn(owner, 'public')).toEqual([]);
        expect(await ownersIn(owner, readStoreSchemaDefault)).toEqual(
          before.map((name) => ({ name, owner: writerRole })),
        );
        const store = await openAsWriter(url);
        try {
          expect(await store.activeVersion(projection)).toBe(1);
          expect(await store.checkpoint(projection, 1)).toEqual({
            position: position(2),
            version: 1,
          });
          expect(await store.get(projection, collection, 'b')).toMatchObject({ n: 2 });
          await store.commitBatch(batch('c', 3));
          expect(await store.get(projection, collection, 'c')).toMatchObject({ n: 3 });
        } finally {
          await store.close();
        }
      } finally {
        await owner.end();
      }
    });
  });
}
