import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { fundsProjections } from '@sunlight/funds';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { READ_MODEL_POSITIONS, READ_STORE, type ReadStore } from '@sunlight/read-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { DatabaseAccess } from '../database/database-access';
import { DATABASE_ACCESS } from '../event-store.tokens';
import { openReadStore } from './open-read-store';
import { ProjectionsSupervisor } from './projections.supervisor';
import { ActiveReadModelPositions } from './read-model-positions';
import { PROJECTIONS } from './read-models.tokens';

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
      useFactory: (registry: DivisionRegistry) => fundsProjections(registry),
    },
    ProjectionsSupervisor,
    { provide: READ_MODEL_POSITIONS, useClass: ActiveReadModelPositions },
  ],
  exports: [READ_STORE, READ_MODEL_POSITIONS, PROJECTIONS, ProjectionsSupervisor],
})
export class ReadModelsModule implements OnApplicationShutdown {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readStore.close();
  }
}
