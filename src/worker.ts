import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { resolveDatabase } from '@sunlight/postgres';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { onTerminationSignal } from './process-signals';

/**
 * `sunlight worker`: the app without HTTP, running the job workers (and, as configured, the
 * projections and processors). It shares the API instances' database, so DATABASE_URL is
 * required: an embedded PostgreSQL belongs to the one process that started it.
 */
export async function bootstrapWorker(config: AppConfig): Promise<INestApplicationContext> {
  if (config.databaseUrl === undefined) {
    throw new Error(
      'sunlight worker needs DATABASE_URL (the database the API instances use); the embedded PostgreSQL serves only the process that starts it',
    );
  }
  const database = await resolveDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPgPort,
    checkReachable: true,
  });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ ...config, databaseUrl: database.url, runWorkers: true }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  const logger = app.get(Logger);
  logger.log('Sunlight worker running: job workers started', 'Worker');
  let stopping = false;
  onTerminationSignal((signal) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.log(`${signal} received: finishing the jobs in hand, then stopping`, 'Worker');
    void app
      .close()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
  return app;
}
