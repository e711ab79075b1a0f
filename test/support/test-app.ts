import type { Server } from 'node:http';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadAppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { servedOpenApiDocument } from '../../src/http/swagger';
import { registerOpenApiDocument } from './openapi-validation';
import type { ProjectionsWorkerScript } from '../../src/read-models/projections-thread.protocol';

/** The projections' worker thread from its TypeScript source, as the app runs here from sources. */
export const sourceProjectionsWorker: ProjectionsWorkerScript = {
  file: path.join(__dirname, 'typescript-worker.js'),
  argv: [path.resolve(__dirname, '..', '..', 'src', 'read-models', 'projections.worker.ts')],
};

/** A variable set by jest.config.js's globalSetup; missing means the tests were run another way. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests through jest.config.js (its globalSetup starts PostgreSQL)`,
    );
  }
  return value;
}

export interface TestApp {
  app: NestExpressApplication;
  server: Server;
  close(): Promise<void>;
}

/**
 * The app in this process, listening on a free loopback port, configured from the environment
 * the way production reads it. `env` overrides the defaults: the run's shared test database, a
 * small pool and silent logs (set LOG_LEVEL to see them).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadAppConfig({
    DATABASE_URL: requireEnv('SUNLIGHT_TEST_DATABASE_URL'),
    PORT: '0',
    HOST: '127.0.0.1',
    PG_POOL_SIZE: '4',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await createApp(config, { projectionsWorker: sourceProjectionsWorker });
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const server: Server = app.getHttpServer();
  // Every answer a test gets through api-client.ts is checked against this document.
  registerOpenApiDocument(server, servedOpenApiDocument(app));
  return { app, server, close: () => app.close() };
}
