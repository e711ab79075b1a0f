import { Module, type DynamicModule } from '@nestjs/common';
import { StreamsController } from './api/streams.controller';
import { StreamAccess } from './application/stream-access';
import { StreamQueries } from './application/stream-queries';
import { StreamCatalog, type StreamCategory } from './stream-catalog';

export { StreamAccess };

/**
 * The log as auditors and commissions read it: any stream's raw events and its state as of a
 * moment, inside the caller's jurisdiction. Each context describes its stream categories; the
 * app passes them all here. Needs EVENT_STORE and DIVISION_REGISTRY from the app.
 */
@Module({})
export class AuditModule {
  static forRoot(categories: readonly StreamCategory[]): DynamicModule {
    return {
      module: AuditModule,
      // Other contexts that serve events (the log's inclusion proofs) check access the same way.
      global: true,
      exports: [StreamAccess],
      controllers: [StreamsController],
      providers: [
        { provide: StreamCatalog, useValue: new StreamCatalog(categories) },
        StreamAccess,
        StreamQueries,
      ],
    };
  }
}

// The OpenAPI schemas of this context's answers, merged into the app's document.
export { streamsOpenApiSchemas } from './api/streams.openapi';
