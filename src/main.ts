import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { pino, stdTimeFunctions, type Logger as PinoLogger } from 'pino';
import { prepareDataDir, resolveDatabase, type DatabaseHandle } from '@sunlight/postgres';
import { AppModule, type AppModuleOptions } from './app.module';
import { loadAppConfig, type AppConfig } from './config/app-config';
import { HttpDrain } from './http/http-drain';
import { useJsonBody } from './http/json-body';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { useRequestShapeChecks } from './http/request-shape';
import { createValidationPipe } from './http/request-validation.error';
import { docsPath, openApiJsonPath, setupSwagger } from './http/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './http/openapi-document';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsRegistry } from './metrics/metrics.registry';
import {
  installTerminationSignals,
  onTerminationSignal,
  type TerminationSignal,
} from './process-signals';

export const apiPrefix = 'api/v1';
/** After the drain, how long the runners and stores may take to close before the exit is forced. */
const closeTimeoutMs = 30_000;

export interface CreateAppOptions extends AppModuleOptions {
  /** Refuses new requests and waits for those in flight when the app shuts down (`bootstrap`). */
  httpDrain?: HttpDrain;
}

/** Builds and configures the app without listening, so tests and the CLI share one setup. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
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
    if (options.httpDrain) app.use(options.httpDrain.middleware);
    // Registered early so the timer also covers requests rejected by the body parser.
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
    // No app.enableShutdownHooks(): on a signal Nest would close the HTTP server while
    // kept-alive connections carry on, and the runners and the store at the same time;
    // `bootstrap` drains HTTP first, then closes the app, then stops the database.
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/**
 * The OpenAPI document the app serves at /docs-json, without a database: Nest's preview mode
 * builds the module graph and reads the routes' metadata but instantiates no provider, so
 * nothing connects anywhere (`sunlight openapi`).
 */
export async function describeApi(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    app.setGlobalPrefix(apiPrefix, { exclude: ['health', 'metrics'] });
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/**
 * Starts the server on HOST:PORT and resolves once it is listening. The database comes first and
 * outside Nest, so that a start-up failure (a port taken, DATABASE_URL unreachable, a data
 * directory that cannot be written, a damaged cluster) is one line naming the setting, and so
 * that the embedded PostgreSQL is stopped last on shutdown, after HTTP and the runners.
 */
/** The database the config names (or the embedded one), as `serve` and `demo` open it. */
async function openDatabase(config: AppConfig): Promise<{
  log: PinoLogger<never>;
  database: DatabaseHandle;
}> {
  const log = pino({ level: config.logLevel, timestamp: stdTimeFunctions.isoTime });
  const usesDataDir =
    config.databaseUrl === undefined ||
    config.jwtSecret === undefined ||
    config.databaseAppUrl === undefined ||
    config.databaseProjectorUrl === undefined;
  if (usesDataDir) {
    // The embedded cluster, a generated JWT key or generated logins live there; checked now so
    // that a directory that cannot be written is named before anything else fails on it.
    await prepareDataDir(config.dataDir, 'SUNLIGHT_DATA_DIR');
  }
  const database = await resolveDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPgPort,
    checkReachable: true,
    onLog: (line) => log.debug({ context: 'EmbeddedPostgres' }, line.trimEnd()),
    onNotice: (message) => log.warn({ context: 'EmbeddedPostgres' }, message),
  });
  if (database.embedded) {
    log.info(
      { context: 'EmbeddedPostgres' },
      `Embedded PostgreSQL on ${new URL(database.url).host}, data in ${config.dataDir}`,
    );
  }
  return { log, database };
}

/**
 * The app without HTTP, initialised (command bus, processors, projections), on the database the
 * config names: for one-shot commands that write as the routes would (`sunlight demo`).
 */
export async function openApp(
  config: AppConfig,
): Promise<{ app: NestExpressApplication; close(): Promise<void> }> {
  const { database } = await openDatabase(config);
  let app: NestExpressApplication | undefined;
  try {
    app = await createApp({ ...config, databaseUrl: database.url });
    await app.init();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
  const opened = app;
  return {
    app: opened,
    close: async () => {
      try {
        await opened.close();
      } finally {
        await database.close();
      }
    },
  };
}

export async function bootstrap(
  config: AppConfig = loadAppConfig(),
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  const { log, database } = await openDatabase(config);
  const httpDrain = new HttpDrain();
  let app: NestExpressApplication | undefined;
  try {
    app = await createApp({ ...config, databaseUrl: database.url }, { ...options, httpDrain });
    await app.listen(config.port, config.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
  const running = app;
  running.get(Logger).log(listeningMessage(running), 'Bootstrap');
  installTerminationSignals();
  let shuttingDown = false;
  onTerminationSignal((signal) => {
    if (shuttingDown) {
      // A second Ctrl-C means now; the exit still asks the embedded PostgreSQL to stop.
      log.warn({ context: 'Shutdown' }, `${signal} again: exiting without waiting`);
      process.exit(1);
    }
    shuttingDown = true;
    void shutdown(running, database, httpDrain, config, signal).then((exitCode) =>
      process.exit(exitCode),
    );
  });
  return running;
}

/** The address the server is really bound to; Nest's getUrl() shows 127.0.0.1 for 0.0.0.0. */
export function listeningMessage(app: NestExpressApplication): string {
  const address = app.getHttpServer().address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const browse = `http://${wildcard ? 'localhost' : host}:${address.port}`;
  return (
    `Sunlight listening on ${host}:${address.port}${wildcard ? ' (every interface)' : ''}: ` +
    `API docs at ${browse}${docsPath}, OpenAPI JSON at ${browse}${openApiJsonPath}`
  );
}

/**
 * The order matters: HTTP first (new requests refused, in-flight ones answered, at most
 * `shutdownDrainMs`), then the app (projection runners, processors, stores), and the database
 * last, so that no answered command can find its database gone. Resolves with the exit code.
 */
async function shutdown(
  app: NestExpressApplication,
  database: DatabaseHandle,
  httpDrain: HttpDrain,
  config: AppConfig,
  signal: TerminationSignal,
): Promise<number> {
  const logger = app.get(Logger);
  const forced = setTimeout(() => {
    logger.error(
      `shutdown did not finish within ${config.shutdownDrainMs + closeTimeoutMs} ms; exiting`,
      'Shutdown',
    );
    process.exit(1);
  }, config.shutdownDrainMs + closeTimeoutMs);
  forced.unref();
  logger.log(
    `${signal} received: refusing new requests, letting those in flight finish (at most ${config.shutdownDrainMs} ms)`,
    'Shutdown',
  );
  const drained = await httpDrain.drain(app.getHttpServer(), config.shutdownDrainMs);
  if (drained.cut > 0) {
    logger.warn(
      `${drained.cut} of ${drained.inFlightAtStart} requests in flight were cut off after ${config.shutdownDrainMs} ms (SHUTDOWN_DRAIN_MS)`,
      'Shutdown',
    );
  }
  let exitCode = 0;
  try {
    await app.close();
  } catch (error) {
    exitCode = 1;
    logger.error(`closing the app failed: ${String(error)}`, 'Shutdown');
  }
  try {
    await database.close();
  } catch (error) {
    exitCode = 1;
    logger.error(`stopping the database failed: ${String(error)}`, 'Shutdown');
  }
  logger.log(
    `stopped after answering ${drained.inFlightAtStart - drained.cut} requests in flight`,
    'Shutdown',
  );
  clearTimeout(forced);
  return exitCode;
}

if (require.main === module) {
  installTerminationSignals();
  bootstrap().catch((error: unknown) => {
    process.stderr.write(`sunlight: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
