/**
 * Proves the store's claims on PostgreSQL through the shared claims contract, on the embedded
 * PostgreSQL always and on DATABASE_URL's server when it is set; on PostgreSQL the key is checked
 * inside the append's own transaction, even when many streams race for it in one group-committed
 * call.
 */
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { describeClaimsContract } from '../testing/claims.contract';
import { PostgresClaimIndex } from './postgres-claim-index';
import { PostgresEventStore } from './postgres-event-store';

for (const target of postgresTargets()) {
  let databaseUrl: string;
  let store: PostgresEventStore;
  describeClaimsContract(target.label, {
    open: async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'claims');
      store = await PostgresEventStore.open({ connectionString: databaseUrl });
      return { store, index: new PostgresClaimIndex(store.pool) };
    },
    close: async () => {
      await store.close();
      await dropTestDatabase(databaseUrl);
    },
  });
}
