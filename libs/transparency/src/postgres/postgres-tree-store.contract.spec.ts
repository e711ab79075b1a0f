/**
 * Runs the TreeStore contract on PostgreSQL (the embedded server, and DATABASE_URL's when set):
 * the tree the integrator keeps in merkle_nodes answers the same roots and proofs as the tree
 * built in memory, whatever the batches and however many integrators run.
 */
import { Client, Pool } from 'pg';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { treeStoreContract } from '../testing/tree-store.contract';
import { PostgresTreeStore } from './postgres-tree-store';

for (const target of postgresTargets()) {
  treeStoreContract(target.label, async () => {
    const databaseUrl = await createTestDatabase(target.adminUrl, 'tree');
    const log = await PostgresEventStore.open({ connectionString: databaseUrl });
    const pools = [
      new Pool({ connectionString: databaseUrl, max: 3 }),
      new Pool({ connectionString: databaseUrl, max: 3 }),
    ];
    return {
      log,
      tree: new PostgresTreeStore(pools[0]),
      otherTree: new PostgresTreeStore(pools[1]),
      alterEventData: async (position, data) => {
        const owner = new Client({ connectionString: databaseUrl });
        await owner.connect();
        try {
          await owner.query('BEGIN');
          await owner.query('SET LOCAL session_replication_role = replica');
          await owner.query('UPDATE events SET data = $1 WHERE position = $2', [data, position]);
          await owner.query('COMMIT');
        } finally {
          await owner.end();
        }
      },
      close: async () => {
        await Promise.all(pools.map((pool) => pool.end()));
        await log.close();
        await dropTestDatabase(databaseUrl);
      },
    };
  });
}
