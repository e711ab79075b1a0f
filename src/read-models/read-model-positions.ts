import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, type ReadModelPositions, type ReadStore } from '@sunlight/read-store';
import { ProjectionsSupervisor } from './projections.supervisor';

/**
 * Positions of the active projection versions: from the runner in this process when it is live
 * (no I/O: every commit of its batches moves it), otherwise from the read store's checkpoint
 * (when another instance keeps the read models, RUN_PROJECTIONS=false).
 */
@Injectable()
export class ActiveReadModelPositions implements ReadModelPositions {
  constructor(
    private readonly supervisor: ProjectionsSupervisor,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  document(projection: string, collection: string, id: string): string | undefined {
    return this.supervisor.documentToken(projection, collection, id);
  }

  async current(projection: string): Promise<string | undefined> {
    const live = this.supervisor.livePosition(projection);
    if (live !== undefined) return `${live.version}@${live.position ?? ''}`;
    const version = await this.readStore.activeVersion(projection);
    if (version === undefined) return undefined;
    const { position } = await this.readStore.checkpoint(projection, version);
    return `${version}@${position ?? ''}`;
  }
}
