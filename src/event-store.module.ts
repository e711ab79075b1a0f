import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  PostgresEventStore,
  PostgresProcessorCheckpoints,
  PostgresSnapshotStore,
  PostgresTransferIndex,
} from '@sunlight/event-store/postgres';
import { PROCESSOR_CHECKPOINTS, SNAPSHOT_STORE, TRANSFER_INDEX } from '@sunlight/event-store';
import { resolveDatabase, type DatabaseHandle } from '@sunlight/postgres';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { DATABASE, EVENT_STORE, type AppEventStore } from './event-store.tokens';

const logger = new Logger('EventStore');

/**
 * Owns the database and the event store for the whole app: opens them from config at start-up
 * and closes them, store first, after the HTTP server has stopped taking requests.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DatabaseHandle> => {
        const database = await resolveDatabase({
          databaseUrl: config.databaseUrl,
          dataDir: config.dataDir,
          embeddedPort: config.embeddedPgPort,
          onLog: (line) => logger.debug(line),
        });
        if (database.embedded) {
          logger.log(
            `Embedded PostgreSQL started on port ${config.embeddedPgPort}, data in ${config.dataDir}`,
          );
        }
        return database;
      },
    },
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG, DATABASE],
      useFactory: async (config: AppConfig, database: DatabaseHandle): Promise<AppEventStore> => {
        try {
          return await PostgresEventStore.open({
            connectionString: database.url,
            poolSize: config.pgPoolSize,
          });
        } catch (error) {
          // Nest never calls shutdown hooks for a module that failed to start, so the embedded
          // server would outlive this process unless it is stopped here.
          await database.close().catch(() => undefined);
          throw error;
        }
      },
    },
    // The stores beside the log follow the adapter: with PostgreSQL they share its pool.
    {
      provide: SNAPSHOT_STORE,
      inject: [EVENT_STORE],
      useFactory: (store: PostgresEventStore) => new PostgresSnapshotStore(store.pool),
    },
    {
      provide: PROCESSOR_CHECKPOINTS,
      inject: [EVENT_STORE],
      useFactory: (store: PostgresEventStore) => new PostgresProcessorCheckpoints(store.pool),
    },
    {
      provide: TRANSFER_INDEX,
      inject: [EVENT_STORE],
      useFactory: (store: PostgresEventStore) => new PostgresTransferIndex(store.pool),
    },
  ],
  exports: [DATABASE, EVENT_STORE, SNAPSHOT_STORE, PROCESSOR_CHECKPOINTS, TRANSFER_INDEX],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: AppEventStore,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.database.close();
    }
  }
}
