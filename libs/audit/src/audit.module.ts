import { Module, type DynamicModule } from '@nestjs/common';
import { StreamsController } from './api/streams.controller';
import { StreamAccess } from './application/stream-access';
import { StreamQueries } from './application/stream-queries';
import { StreamCatalog, type StreamCategory } from './stream-catalog';

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
      controllers: [StreamsController],
      providers: [
        { provide: StreamCatalog, useValue: new StreamCatalog(categories) },
        StreamAccess,
        StreamQueries,
      ],
    };
  }
}
