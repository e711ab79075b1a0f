import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@sunlight/audit/audit.module';
import { fundsStreamCategories } from '@sunlight/funds';
import { FundsModule } from '@sunlight/funds/funds.module';
import { geoStreamCategories } from '@sunlight/geo';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { EventStoreModule } from './event-store.module';
import { GeoModule } from '@sunlight/geo/geo.module';
import { HealthModule } from './health/health.module';
import { loggerParams } from './logging/logger.params';
import { MetricsModule } from './metrics/metrics.module';
import { ReadModelsModule } from './read-models/read-models.module';

/** Wiring only: each bounded context adds its module to `imports`. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        CqrsModule.forRoot(),
        EventStoreModule,
        GeoModule,
        ReadModelsModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        FundsModule,
        AuditModule.forRoot([...fundsStreamCategories, ...geoStreamCategories]),
      ],
    };
  }
}
