import { Global, Logger, Module } from '@nestjs/common';
import { loadDivisionRegistry, type DivisionRegistry } from '@sunlight/geo';
import { DivisionsController } from './divisions.controller';
import { DIVISION_REGISTRY } from './geo.tokens';

const logger = new Logger('Geo');

/** Administrative divisions (行政区划) as reference data: one registry for the whole app. */
@Global()
@Module({
  controllers: [DivisionsController],
  providers: [
    {
      provide: DIVISION_REGISTRY,
      useFactory: (): DivisionRegistry => {
        const registry = loadDivisionRegistry();
        logger.log(`Loaded ${registry.size} divisions`);
        return registry;
      },
    },
  ],
  exports: [DIVISION_REGISTRY],
})
export class GeoModule {}
