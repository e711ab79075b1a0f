import { Global, Logger, Module } from '@nestjs/common';
import { EVENT_STORE } from '@sunlight/event-store';
import { DivisionsController } from './api/divisions.controller';
import { VillageGroupsController } from './api/village-groups.controller';
import {
  RegisterVillageGroupHandler,
  VILLAGE_GROUP_COMMANDS,
  villageGroupCommands,
} from './application/register-village-group.handler';
import type { DivisionRegistry } from './division-registry';
import { loadDivisionRegistry } from './division-registry.loader';
import { VillageGroupsProjector } from './projections/village-groups.projector';
import { DIVISION_REGISTRY } from './tokens';

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
    { provide: VILLAGE_GROUP_COMMANDS, inject: [EVENT_STORE], useFactory: villageGroupCommands },
    VillageGroupsProjector,
    RegisterVillageGroupHandler,
  ],
  exports: [DIVISION_REGISTRY],
})
export class GeoModule {}
