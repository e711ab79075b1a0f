// Proves the PostgreSQL read store honours the shared ReadStore contract (embedded PostgreSQL 18 always, DATABASE_URL's server when set) and serves "children of a division by a numeric field, paged" from the declared index.
import { Client } from 'pg';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import {
  contractIndexes,
  describeReadStoreContract,
  divisions,
  position,
  projection,
} from '../testing/read-store.contract';
import type { FindQuery } from '../read-store.port';
import { declaredFieldTypes, normalizeFindQuery, normalizeIndexes } from '../validation';
import { readStoreSchemaDefault } from './migrations';
import { findStatement, PostgresReadStore } from './postgres-read-store';

for (const target of postgresTargets()) {
  describeReadStoreContract(target.label, {
    createDatabase: () => createTestDatabase(target.adminUrl, 'read_store'),
    openStore: (connectionString, indexes) =>
      PostgresReadStore.open({ connectionString, indexes, poolSize: 4 }),
    dropDatabase: dropTestDatabase,
    atomicBatches: true,
    // JSONB cannot hold U+0000, so this document fails its batch inside the database.
    unwritableValue: 'nul \u0000 byte',
  });

  describe(`PostgresReadStore: ${target.label}`, () => {
    let databaseUrl: string;
    let store: PostgresReadStore;
    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'read_store_plans');
      store = await PostgresReadStore.open({
        connectionString: databaseUrl,
        indexes: contractIndexes,
      });
    });
    afterAll(async () => {
      await store.close();
      await dropTestDatabase(databaseUrl);
    });

    it('opens while a version listed for its declared indexes is being dropped by another instance', async () => {
      // What a rebuild worker beside this one leaves between listing the tables and indexing
      // them: the registry still names a table whose DROP has just committed.
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(
          `INSERT INTO ${readStoreSchemaDefault}.read_collections (projection, version, collection, table_name)
           VALUES ($1, 999, $2, 'rs_dropped_meanwhile')`,
          [projection, divisions],
        );
        const second = await PostgresReadStore.open({
          connectionString: databaseUrl,
          indexes: contractIndexes,
        });
        await second.close();
      } finally {
        await client.query(
          `DELETE FROM ${readStoreSchemaDefault}.read_collections WHERE table_name = 'rs_dropped_meanwhile'`,
        );
        await client.end();
      }
    });

    it('answers "children of a division by a numeric field, paged" from the declared index', async () => {
      const documents = Array.from({ length: 20_000 }, (_, i) => ({
        collection: divisions,
        document: {
          id: `d${i}`,
          lastPosition: position(1),
          code: `d${i}`,
          parentCode: `p${i % 400}`,
          disbursedFen: (i * 7919) % 100_003,
          sort: { disbursedFen: (i * 7919) % 100_003 },
          holdsMoney: i % 10 === 0,
          name: `n${i}`,
        },
      }));
      for (let i = 0; i < documents.length; i += 5_000) {
        await store.commitBatch({
          projection,
          version: 1,
          documents: documents.slice(i, i + 5_000),
          position: position(1),
        });
      }
      await store.activateVersion(projection, 1);
      const { items, total } = await store.find(projection, divisions, {
        where: { parentCode: 'p7' },
        sortBy: 'disbursedFen',
        direction: 'desc',
        limit: 10,
        offset: 10,
      });
      expect(total).toBe(50);
      expect(items).toHaveLength(10);

      // The read store keeps its tables in a schema of its own.
      const client = new Client({
        connectionString: databaseUrl,
        options: `-c search_path=${readStoreSchemaDefault}`,
      });
      await client.connect();
      try {
        await client.query('ANALYZE');
        const { rows } = await client.query<{ table_name: string }>(
          'SELECT table_name FROM read_collections',
        );
        const types = declaredFieldTypes(normalizeIndexes(contractIndexes), projection, divisions);
        const plan = async (query: FindQuery) => {
          const statement = findStatement(rows[0].table_name, normalizeFindQuery(query), types);
          const explained = await client.query(`EXPLAIN ${statement.text}`, statement.values);
          return explained.rows.map((row) => row['QUERY PLAN'] as string).join('\n');
        };
        const children = await plan({
          where: { parentCode: 'p7' },
          sortBy: 'disbursedFen',
          direction: 'desc',
          limit: 10,
          offset: 10,
        });
        expect(children).toMatch(/Index Scan Backward using/);
        expect(children).not.toMatch(/Sort|Seq Scan/);
        const nested = await plan({
          where: { parentCode: 'p7' },
          sortBy: 'sort.disbursedFen',
          limit: 10,
        });
        expect(nested).toMatch(/Index Scan using/);
        expect(nested).not.toMatch(/Sort|Seq Scan/);
        const holding = await plan({
          where: { holdsMoney: true, code: { prefix: 'd12' } },
          sortBy: 'code',
          limit: 10,
        });
        expect(holding).toMatch(/Index/);
        expect(holding).not.toMatch(/Seq Scan/);
        const prefix = await plan({ where: { code: { prefix: 'd123' } }, limit: 10 });
        expect(prefix).not.toMatch(/Seq Scan/);
      } finally {
        await client.end();
      }
    });
  });
}
