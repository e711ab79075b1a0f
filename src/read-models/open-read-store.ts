import { fundsReadIndexes } from '@sunlight/funds';
import { MongoReadStore } from '@sunlight/read-store/mongodb';
import { PostgresReadStore } from '@sunlight/read-store/postgres';
import { type ReadStore } from '@sunlight/read-store';
import type { AppConfig } from '../config/app-config';

/** The read store the configuration names (READ_STORE), on `databaseUrl` when it is PostgreSQL. */
export function openReadStore(
  config: Pick<AppConfig, 'readStore' | 'mongodbUrl'>,
  databaseUrl: string,
  poolSize?: number,
): Promise<ReadStore> {
  return config.readStore === 'mongodb'
    ? MongoReadStore.open({ url: config.mongodbUrl, indexes: fundsReadIndexes })
    : PostgresReadStore.open({
        connectionString: databaseUrl,
        indexes: fundsReadIndexes,
        ...(poolSize === undefined ? {} : { poolSize }),
      });
}
