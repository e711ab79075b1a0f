/**
 * Proves the PostgreSQL adapter honours the shared EventStore contract, on the embedded
 * PostgreSQL 18 always and on DATABASE_URL's server (PostgreSQL 15 in CI) when it is set.
 */
import { Client } from 'pg';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { validateAppend } from '../append-validation';
import type { EventToAppend } from '../event-store.port';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { appRoleName } from './migrations';
import { appendSql, singleAppendParameters } from './event-rows';
import { PostgresEventStore } from './postgres-event-store';

for (const target of postgresTargets()) {
  let databaseUrl: string;
  let store: PostgresEventStore | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(target.adminUrl, 'contract');
  });
  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });

  const withClient = async <T>(
    role: 'application' | 'owner',
    work: (client: Client) => Promise<T>,
  ): Promise<T> => {
    const client = new Client({
      connectionString: databaseUrl,
      options: role === 'application' ? `-c role=${appRoleName}` : undefined,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  describeEventStoreContract(target.label, {
    createStore: async () => {
      store = await PostgresEventStore.open({ connectionString: databaseUrl, pollIntervalMs: 200 });
      return store;
    },
    appendSlowly: (stream: string, events: EventToAppend[], holdMs: number) =>
      withClient('application', async (client) => {
        await client.query('BEGIN');
        const { rows } = await client.query(
          appendSql,
          singleAppendParameters(
            validateAppend(stream, events, { expectedRevision: 'any' }),
            'any',
          ),
        );
        if (rows[0].result !== 'ok') throw new Error(`slow append failed: ${rows[0].result}`);
        await client.query('SELECT pg_sleep($1)', [holdMs / 1000]);
        await client.query('COMMIT');
      }),
    attemptRewrite: (kind, as) =>
      withClient(as, async (client) => {
        const statements = {
          update: `UPDATE events SET data = '{"amountFen":"1"}' WHERE position = 1`,
          delete: 'DELETE FROM events WHERE position = 1',
          truncate: 'TRUNCATE events',
        };
        await client.query(statements[kind]);
      }),
    connectionsInUse: async () => (store ? store.pool.totalCount - store.pool.idleCount : 0),
  });
}
