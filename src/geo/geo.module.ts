import { Global, Logger, Module } from '@nestjs/common';
import { loadDivisionRegistry, type DivisionRegistry } from '@sunlight/geo';
import { DivisionsController } from './divisions.controller';
import { DIVISION_REGISTRY } from './geo.tokens';
import { RegisterVillageGroupHandler } from './register-village-group.handler';
import { VillageGroupsController } from './village-groups.controller';
import { VillageGroupsProjector } from './village-groups.projector';

const logger = new Logger('Geo');

/**
 * Administrative divisions (行政区划) as reference data: one registry for the whole app, loaded
 * from the shipped file, plus the village groups (村民小组) registered as events, which the
 * projector adds from the log before the app serves. Needs EVENT_STORE from the app.
 */
@Global()
@Module({
  controllers: [DivisionsController, VillageGroupsController],
  providers: [
    {
      provide: DIVISION_REGISTRY,
      useFactory: (): DivisionRegistry => {
        const registry = loadDivisionRegistry();
        logger.log(`Loaded ${registry.size} divisions`);
        return registry;
      },
    },
    VillageGroupsProjector,
    RegisterVillageGroupHandler,
  ],
  exports: [DIVISION_REGISTRY],
})
export class GeoModule {}
