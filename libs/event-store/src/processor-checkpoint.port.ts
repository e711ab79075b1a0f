import type { GlobalPosition } from './event-store.port';

/** Where a background processor has got to in the log, so it resumes there after a restart. */
export interface ProcessorCheckpointStore {
  load(processor: string): Promise<GlobalPosition | undefined>;
  /** Never moves a checkpoint backwards. */
  save(processor: string, position: GlobalPosition): Promise<void>;
}
