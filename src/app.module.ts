import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '@sunlight/audit/audit.module';
import { BlobsModule } from '@sunlight/blobs/blobs.module';
import { jobsSchemaDefault } from '@sunlight/jobs/postgres';
import { JobsModule, type JobsModuleOptions } from '@sunlight/jobs/jobs.module';
import { FundsModule } from '@sunlight/funds/funds.module';
import { HouseholdsModule } from '@sunlight/households/households.module';
import { ProjectsModule } from '@sunlight/projects/projects.module';
import { OversightModule } from '@sunlight/oversight/oversight.module';
import { RostersModule } from '@sunlight/rosters/rosters.module';
import { IntegratorsModule } from '@sunlight/integrators/integrators.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { appStreamCategories } from './stream-categories';
import type { DatabaseAccess } from './database/database-access';
import { EventStoreModule } from './event-store.module';
import { DATABASE_ACCESS } from './event-store.tokens';
import { GeoModule } from '@sunlight/geo/geo.module';
import { HealthModule } from './health/health.module';
import { loggerParams } from './logging/logger.params';
import { MetricsModule } from './metrics/metrics.module';
import type { ProjectionsWorkerScript } from './read-models/projections-thread.protocol';
import { ReadModelsModule } from './read-models/read-models.module';
import { TransparencyModule } from '@sunlight/transparency/transparency.module';

export interface AppModuleOptions {
  /** How to start the projections' worker thread; by default the compiled one beside the app. */
  projectionsWorker?: ProjectionsWorkerScript;
  /** Modules beside the app's own: a benchmark's reference routes, which the product never has. */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

/** Wiring only: each bounded context adds its module to `imports`. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        CqrsModule.forRoot(),
        EventStoreModule,
        GeoModule,
        ReadModelsModule.forRoot(options.projectionsWorker),
        AuthModule,
        HealthModule,
        MetricsModule,
        BlobsModule.forRoot(config.blobDir),
        JobsModule.forRoot({ inject: [APP_CONFIG, DATABASE_ACCESS], useFactory: jobsOptions }),
        FundsModule,
        TransparencyModule,
        HouseholdsModule,
        ProjectsModule.forRoot({
          photoBytesMax: config.photoBytesMax,
          photoNearDuplicateBits: config.photoNearDuplicateBits,
          photoSiteDistanceMetres: config.photoSiteDistanceMetres,
        }),
        RostersModule.forRoot({ uploadBytesMax: config.uploadBytesMax }),
        OversightModule.forRoot({ uploadBytesMax: config.uploadBytesMax }),
        AuditModule.forRoot(appStreamCategories),
        IntegratorsModule.forRoot({
          heartbeatMs: config.feedHeartbeatMs,
          slowClientMs: config.feedSlowClientMs,
          source: config.logOrigin,
          webhooks: {
            allowedHosts: config.webhookAllowedHosts,
            attempts: config.webhookAttempts,
            backoffMs: config.webhookBackoffMs,
            timeoutMs: config.webhookTimeoutMs,
            batchMax: config.webhookBatchMax,
            pollMs: config.webhookPollMs,
            secretOverlapMs: config.webhookSecretOverlapMs,
            ...(config.webhookSecretKey === undefined
              ? {}
              : { secretKey: config.webhookSecretKey }),
            dataDir: config.dataDir,
            runWorkers: config.runWorkers,
          },
        }),
        ...(options.imports ?? []),
      ],
    };
  }
}

/** REDIS_URL when set; otherwise the log's PostgreSQL as the app's login (schema prepared by the owner). */
function jobsOptions(config: AppConfig, access: DatabaseAccess): JobsModuleOptions {
  return {
    runWorkers: config.runWorkers,
    queues: {
      lockMs: config.jobLockMs,
      closeGraceMs: config.shutdownDrainMs,
      backend:
        config.redisUrl === undefined
          ? { kind: 'postgres', connectionString: access.appUrl, schema: jobsSchemaDefault }
          : { kind: 'redis', url: config.redisUrl, prefix: config.jobsPrefix },
    },
  };
}
