/**
 * Proves PostgreSQL's snapshot store and processor checkpoints against the contracts the
 * KurrentDB adapter shares (testing/snapshot-store.contract.ts, processor-checkpoints.contract.ts),
 * on the embedded PostgreSQL always and on DATABASE_URL's server when it is set. The tampering of
 * a snapshot row in SQL is PostgreSQL-only and proved in libs/funds (snapshots.contract.spec.ts).
 */
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { describeProcessorCheckpointsContract } from '../testing/processor-checkpoints.contract';
import { describeSnapshotStoreContract } from '../testing/snapshot-store.contract';
import { appRoleName, projectorRoleName } from './migrations';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresProcessorCheckpoints } from './postgres-processor-checkpoints';
import { PostgresSnapshotStore } from './postgres-snapshot-store';

for (const target of postgresTargets()) {
  let databaseUrl: string;
  let store: PostgresEventStore;
  // As the app would: snapshots as the app's role, checkpoints as the projections' role.
  const open = async (role: string) => {
    databaseUrl = await createTestDatabase(target.adminUrl, 'snapshots_checkpoints');
    store = await PostgresEventStore.open({ connectionString: databaseUrl, role });
    return store;
  };
  const close = async () => {
    await store.close();
    await dropTestDatabase(databaseUrl);
  };

  describeSnapshotStoreContract(target.label, {
    openLog: () => open(appRoleName),
    snapshotStore: (log, sealKey, onRejected) =>
      new PostgresSnapshotStore((log as PostgresEventStore).pool, { sealKey, onRejected }),
    close,
  });
  describeProcessorCheckpointsContract(target.label, {
    open: async () => {
      const log = await open(projectorRoleName);
      return { log, checkpoints: new PostgresProcessorCheckpoints(log.pool) };
    },
    close,
  });
}
