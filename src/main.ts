import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadAppConfig, type AppConfig } from './config/app-config';
import { useJsonBody } from './http/json-body';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { useRequestShapeChecks } from './http/request-shape';
import { createValidationPipe } from './http/request-validation.error';
import { setupSwagger } from './http/swagger';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsRegistry } from './metrics/metrics.registry';

export const apiPrefix = 'api/v1';

/** Builds and configures the app without listening, so tests and the CLI share one setup. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    // The body parser is installed below with a limit and failures Nest cannot swallow.
    bodyParser: false,
    // Nest would otherwise call process.abort() on a start-up failure, skipping any cleanup and
    // leaving the caller a core dump instead of an error message.
    abortOnError: false,
  });
  try {
    app.useLogger(app.get(Logger));
    // Express would hash every response body for an ETag no client of this API sends back; a
    // cached dashboard costs less to send than to hash.
    app.set('etag', false);
    // Registered first so the timer also covers requests rejected by the body parser.
    app.use(httpMetricsMiddleware(app.get(MetricsRegistry)));
    useJsonBody(app);
    useRequestShapeChecks(app);
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    // Before Swagger reads the routes, so the document shows the prefixed paths. Operations
    // endpoints stay at the root where probes and scrapers expect them; /docs is served by Swagger
    // itself, outside Nest's router, so the prefix never applies to it.
    app.setGlobalPrefix(apiPrefix, { exclude: ['health', 'metrics'] });
    setupSwagger(app);
    app.enableShutdownHooks();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Starts the server on HOST:PORT and resolves once it is listening. */
export async function bootstrap(
  config: AppConfig = loadAppConfig(),
): Promise<NestExpressApplication> {
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  app.get(Logger).log(`Sunlight listening on ${url} (API docs at ${url}/docs)`, 'Bootstrap');
  return app;
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(
      `sunlight: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
