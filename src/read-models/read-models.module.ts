import path from 'node:path';
import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { READ_MODEL_POSITIONS, READ_STORE, type ReadStore } from '@sunlight/read-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { DatabaseAccess } from '../database/database-access';
import { DATABASE_ACCESS } from '../event-store.tokens';
import { appProjections } from './app-projections';
import { openReadStore } from './open-read-store';
import { ProjectionsSupervisor } from './projections.supervisor';
import type { ProjectionsWorkerScript } from './projections-thread.protocol';
import { ActiveReadModelPositions } from './read-model-positions';
import { PROJECTIONS, PROJECTIONS_WORKER_SCRIPT } from './read-models.tokens';

const logger = new Logger('ReadStore');

/** The read store (READ_STORE=postgres|mongodb) and the projections that fill it. */
@Global()
@Module({
  providers: [
    {
      provide: READ_STORE,
      inject: [APP_CONFIG, DATABASE_ACCESS],
      useFactory: async (config: AppConfig, access: DatabaseAccess): Promise<ReadStore> => {
        if (config.readStore === 'mongodb') logger.log('Read models on MongoDB');
        return openReadStore(config, access.projectorUrl, config.pgPoolSize);
      },
    },
    {
      provide: PROJECTIONS,
      inject: [DIVISION_REGISTRY],
      useFactory: (registry: DivisionRegistry) => appProjections(registry),
    },
    ProjectionsSupervisor,
    { provide: READ_MODEL_POSITIONS, useClass: ActiveReadModelPositions },
  ],
  exports: [READ_STORE, READ_MODEL_POSITIONS, PROJECTIONS, ProjectionsSupervisor],
})
export class ReadModelsModule implements OnApplicationShutdown {
  /** `projectionsWorker`: the compiled worker beside this file unless said otherwise. */
  static forRoot(projectionsWorker?: ProjectionsWorkerScript): DynamicModule {
    const script = projectionsWorker ?? { file: path.join(__dirname, 'projections.worker.js') };
    return {
      module: ReadModelsModule,
      providers: [{ provide: PROJECTIONS_WORKER_SCRIPT, useValue: script }],
    };
  }

  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readStore.close();
  }
}
