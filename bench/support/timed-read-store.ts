import { performance } from 'node:perf_hooks';
import type {
  DocumentKey,
  FindQuery,
  FindResult,
  ProjectionBatch,
  ProjectionCheckpoint,
  ReadDocument,
  ReadStore,
} from '@sunlight/read-store';

export interface ReadStoreTimings {
  getManyCalls: number;
  getManyMs: number;
  commitCalls: number;
  commitMs: number;
  documentsWritten: number;
}

/**
 * A read store that adds up the time spent in `getMany` and `commitBatch`, so a rebuild can say
 * where its time went. The runner overlaps one commit with applying the next batch, so commit
 * time is not simply subtracted from the wall time: it says how busy the store was.
 */
export class TimedReadStore implements ReadStore {
  readonly timings: ReadStoreTimings = {
    getManyCalls: 0,
    getManyMs: 0,
    commitCalls: 0,
    commitMs: 0,
    documentsWritten: 0,
  };

  constructor(private readonly inner: ReadStore) {}

  async getMany(
    projection: string,
    version: number,
    keys: readonly DocumentKey[],
  ): Promise<Map<string, ReadDocument>> {
    const started = performance.now();
    try {
      return await this.inner.getMany(projection, version, keys);
    } finally {
      this.timings.getManyCalls += 1;
      this.timings.getManyMs += performance.now() - started;
    }
  }

  async commitBatch(batch: ProjectionBatch): Promise<void> {
    const started = performance.now();
    try {
      await this.inner.commitBatch(batch);
    } finally {
      this.timings.commitCalls += 1;
      this.timings.commitMs += performance.now() - started;
      this.timings.documentsWritten += batch.documents.length;
    }
  }

  get<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    id: string,
  ): Promise<D | undefined> {
    return this.inner.get<D>(projection, collection, id);
  }

  find<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    query: FindQuery,
  ): Promise<FindResult<D>> {
    return this.inner.find<D>(projection, collection, query);
  }

  checkpoint(projection: string, version: number): Promise<ProjectionCheckpoint> {
    return this.inner.checkpoint(projection, version);
  }

  activeVersion(projection: string): Promise<number | undefined> {
    return this.inner.activeVersion(projection);
  }

  activateVersion(projection: string, version: number): Promise<void> {
    return this.inner.activateVersion(projection, version);
  }

  dropVersion(projection: string, version: number): Promise<void> {
    return this.inner.dropVersion(projection, version);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
