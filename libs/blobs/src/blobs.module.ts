import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BlobStore } from './blob-store';
import { BLOB_STORE } from './tokens';

/**
 * The app's one content-addressed file store (rosters, project photos, registry snapshots), under
 * `directory` (BLOB_DIR). Global: every context that keeps files injects BLOB_STORE.
 */
@Global()
@Module({})
export class BlobsModule {
  static forRoot(directory: string): DynamicModule {
    return {
      module: BlobsModule,
      providers: [{ provide: BLOB_STORE, useValue: new BlobStore(directory) }],
      exports: [BLOB_STORE],
    };
  }
}
