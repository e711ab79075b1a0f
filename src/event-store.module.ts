import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  CHAIN_HASHES,
  CLAIM_INDEX,
  PROCESSOR_CHECKPOINTS,
  SNAPSHOT_STORE,
} from '@sunlight/event-store';
import {
  appRoleName,
  PostgresEventStore,
  PostgresProcessorCheckpoints,
  PostgresSnapshotStore,
  PostgresClaimIndex,
  PostgresChainHashes,
  projectorRoleName,
} from '@sunlight/event-store/postgres';
import { resolveLogKey, resolveSnapshotKey } from '@sunlight/keys';
import {
  INTEGRATOR_TREE_STORE,
  LOG_KEY,
  TRANSPARENCY_CONFIG,
  TREE_STORE,
  type TransparencyConfig,
} from '@sunlight/transparency';
import { PostgresTreeStore } from '@sunlight/transparency/postgres';
import { CHECK_EVENTS, REGISTRY_ROWS } from '@sunlight/oversight';
import { PostgresCheckEvents, PostgresRegistryRows } from '@sunlight/oversight/postgres';
import { resolveDatabase, type DatabaseHandle } from '@sunlight/postgres';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { prepareDatabaseAccess, type DatabaseAccess } from './database/database-access';
import {
  DATABASE,
  DATABASE_ACCESS,
  EVENT_STORE,
  PROJECTOR_EVENT_STORE,
  type AppEventStore,
} from './event-store.tokens';

const logger = new Logger('EventStore');
const LOG_CONNECTIONS = 'LOG_CONNECTIONS';

/** The log as the app's role and as the projections' role, each on a pool of its own. */
interface LogConnections {
  access: DatabaseAccess;
  app: PostgresEventStore;
  projector: PostgresEventStore;
}

/**
 * Prepares the database as its owner (migrations, the projections' schema, the logins), then
 * opens the log as the two logins. Nest never calls shutdown hooks for a module that failed to
 * start, so whatever was opened is closed here on failure, the embedded server included.
 */
async function openLogConnections(
  config: AppConfig,
  database: DatabaseHandle,
): Promise<LogConnections> {
  const opened: PostgresEventStore[] = [];
  try {
    const access = await prepareDatabaseAccess(database.url, {
      ...config,
      jobsOnPostgres: config.redisUrl === undefined,
    });
    const open = async (connectionString: string, role: string) => {
      const store = await PostgresEventStore.open({
        connectionString,
        role,
        migrate: false,
        poolSize: config.pgPoolSize,
      });
      opened.push(store);
      return store;
    };
    const app = await open(access.appUrl, appRoleName);
    const projector = await open(access.projectorUrl, projectorRoleName);
    return { access, app, projector };
  } catch (error) {
    await Promise.all(opened.map((store) => store.close().catch(() => undefined)));
    await database.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Owns the database and the event store for the whole app: opens them from config at start-up
 * and closes them, stores first, after the HTTP server has stopped taking requests.
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
      provide: LOG_CONNECTIONS,
      inject: [APP_CONFIG, DATABASE],
      useFactory: openLogConnections,
    },
    {
      provide: DATABASE_ACCESS,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => connections.access,
    },
    {
      provide: EVENT_STORE,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections): AppEventStore => connections.app,
    },
    {
      provide: PROJECTOR_EVENT_STORE,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections): AppEventStore => connections.projector,
    },
    // The stores beside the log follow the adapter: with PostgreSQL they share its pools. The
    // command path writes snapshots as the app's role; processors move their checkpoints as the
    // projections' role.
    {
      provide: SNAPSHOT_STORE,
      inject: [APP_CONFIG, LOG_CONNECTIONS],
      useFactory: async (config: AppConfig, connections: LogConnections) => {
        const { secret } = await resolveSnapshotKey(config);
        return new PostgresSnapshotStore(connections.app.pool, {
          sealKey: secret,
          onRejected: ({ streamName, revision, reason }) => {
            // Never loaded: the stream folds from the log. Someone wrote that row; say so loudly.
            logger.error(
              `snapshot of ${streamName} at revision ${revision} refused (${reason}); folding the stream from the log`,
            );
          },
        });
      },
    },
    {
      provide: PROCESSOR_CHECKPOINTS,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) =>
        new PostgresProcessorCheckpoints(connections.projector.pool),
    },
    {
      provide: CLAIM_INDEX,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => new PostgresClaimIndex(connections.app.pool),
    },
    {
      provide: CHAIN_HASHES,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => new PostgresChainHashes(connections.app.pool),
    },
    // The Merkle tree: the API reads it (and stores cosignatures) as the app's role, the
    // integrator follows the log into it as the projections' role.
    {
      provide: TREE_STORE,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => new PostgresTreeStore(connections.app.pool),
    },
    {
      provide: INTEGRATOR_TREE_STORE,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) =>
        new PostgresTreeStore(connections.projector.pool),
    },
    // Other departments' registry rows (derived from their stored files), as the app's role.
    {
      provide: REGISTRY_ROWS,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => new PostgresRegistryRows(connections.app.pool),
    },
    // The log as the cross-checks read it (roster lines by the million), as the app's role.
    {
      provide: CHECK_EVENTS,
      inject: [LOG_CONNECTIONS],
      useFactory: (connections: LogConnections) => new PostgresCheckEvents(connections.app.pool),
    },
    {
      provide: LOG_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => resolveLogKey(config),
    },
    {
      provide: TRANSPARENCY_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): TransparencyConfig => ({
        origin: config.logOrigin,
        checkpointEveryEvents: config.checkpointEveryEvents,
        checkpointIntervalMs: config.checkpointIntervalMs,
        runIntegrator: config.runProcessors,
        witnesses: config.witnessKeys,
      }),
    },
  ],
  exports: [
    REGISTRY_ROWS,
    CHECK_EVENTS,
    TREE_STORE,
    INTEGRATOR_TREE_STORE,
    LOG_KEY,
    TRANSPARENCY_CONFIG,
    DATABASE,
    DATABASE_ACCESS,
    EVENT_STORE,
    PROJECTOR_EVENT_STORE,
    SNAPSHOT_STORE,
    PROCESSOR_CHECKPOINTS,
    CLAIM_INDEX,
    CHAIN_HASHES,
  ],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(LOG_CONNECTIONS) private readonly connections: LogConnections,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await Promise.all([this.connections.app.close(), this.connections.projector.close()]);
    } finally {
      await this.database.close();
    }
  }
}
