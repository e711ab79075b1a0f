import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const apiTitle = 'Sunlight (阳光) API';
/** The Swagger UI, and the OpenAPI document that client generators read. */
export const docsPath = '/docs';
export const openApiJsonPath = '/docs-json';

/** Serves the UI at /docs and the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(apiTitle)
      .setDescription(
        'Audit-grade tracking of public poverty-alleviation funds (扶贫资金). Every appropriation, ' +
          'allocation, disbursement and household record is an immutable, hash-chained event. ' +
          'Errors are RFC 9457 problem+json bodies naming each invalid field.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup(docsPath.slice(1), app, document, {
    jsonDocumentUrl: openApiJsonPath.slice(1),
  });
}
