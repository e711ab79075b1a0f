// Proves the MongoDB read store honours the shared ReadStore contract, on the npm-shipped MongoDB-wire server always and on MONGODB_URL's MongoDB when set.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { mongoTargets } from '../../../../test/support/mongo-server';
import { describeReadStoreContract } from '../testing/read-store.contract';
import { MongoReadStore } from './mongodb-read-store';

for (const target of mongoTargets()) {
  describeReadStoreContract(target.label, {
    createDatabase: async () => `sunlight_test_rs_${randomBytes(4).toString('hex')}`,
    openStore: (databaseName, indexes) =>
      MongoReadStore.open({ url: target.url, databaseName, indexes }),
    dropDatabase: async (databaseName) => {
      const client = new MongoClient(target.url);
      try {
        await client.db(databaseName).dropDatabase();
      } catch {
        // The MongoDB-wire test server has no dropDatabase; its data goes when it stops.
      } finally {
        await client.close();
      }
    },
    atomicBatches: false,
  });
}
