import { MongoReadStore } from '@sunlight/read-store/mongodb';
import { projectorRoleName } from '@sunlight/event-store/postgres';
import { PostgresReadStore } from '@sunlight/read-store/postgres';
import { type ReadStore } from '@sunlight/read-store';
import type { AppConfig } from '../config/app-config';
import { appReadIndexes } from './app-projections';

/**
 * The read store the configuration names (READ_STORE). On PostgreSQL it is written as the
 * projections' role, logged in by `projectorUrl`, in the schema the owner prepared for it.
 */
export function openReadStore(
  config: Pick<AppConfig, 'readStore' | 'mongodbUrl'>,
  projectorUrl: string,
  poolSize?: number,
): Promise<ReadStore> {
  return config.readStore === 'mongodb'
    ? MongoReadStore.open({ url: config.mongodbUrl, indexes: appReadIndexes })
    : PostgresReadStore.open({
        connectionString: projectorUrl,
        role: projectorRoleName,
        indexes: appReadIndexes,
        ...(poolSize === undefined ? {} : { poolSize }),
      });
}
