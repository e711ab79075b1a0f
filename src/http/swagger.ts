import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';

export { apiTitle } from './openapi-document';
/** The Swagger UI, and the OpenAPI document that client generators read. */
export const docsPath = '/docs';
export const openApiJsonPath = '/docs-json';

const served = new WeakMap<INestApplication, OpenAPIObject>();

/** Serves the UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  served.set(app, document);
  SwaggerModule.setup(docsPath.slice(1), app, document, {
    jsonDocumentUrl: openApiJsonPath.slice(1),
  });
}

/** The document `app` serves, for tests that check every answer against it. */
export function servedOpenApiDocument(app: INestApplication): OpenAPIObject | undefined {
  return served.get(app);
}
