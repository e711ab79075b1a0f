import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type GlobalPosition } from '@sunlight/event-store';
import { NearDuplicateIndex, type NearMatch } from '../domain';
import { projectEventOf } from '../stored-events';

/** Events read from the log per page while catching up. */
const catchUpPageSize = 5_000;

/**
 * The near-duplicate index of every photo in the log, in this process's memory, brought up to
 * the log's head before each lookup by reading the PhotoAdded events written since the last one
 * (the first lookup reads them all). Every instance therefore answers from the log, not from a
 * read model that may lag. A photo's check runs after its own PhotoAdded is written and reads to
 * the head, so of two near-identical photos uploaded at once to two projects at least the later
 * check sees the other.
 */
@Injectable()
export class PhotoIndexService {
  private readonly index = new NearDuplicateIndex();
  private position: GlobalPosition | undefined;
  private catchingUp: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  get size(): number {
    return this.index.size;
  }

  async near(dHash: string, distanceMax: number): Promise<NearMatch[]> {
    await this.catchUp();
    return this.index.near(dHash, distanceMax);
  }

  /** One catch-up at a time; a caller arriving during one waits for it and then runs its own. */
  async catchUp(): Promise<void> {
    while (this.catchingUp !== undefined) await this.catchingUp;
    this.catchingUp = this.readNewPhotos().finally(() => {
      this.catchingUp = undefined;
    });
    await this.catchingUp;
  }

  private async readNewPhotos(): Promise<void> {
    for (;;) {
      let read = 0;
      for await (const recorded of this.store.readAll({
        ...(this.position === undefined ? {} : { after: this.position }),
        maxCount: catchUpPageSize,
        filter: { on: 'eventType', prefixes: ['PhotoAdded'] },
      })) {
        read += 1;
        this.position = recorded.position;
        const event = projectEventOf(recorded);
        if (event?.type !== 'PhotoAdded') continue;
        this.index.add(event.data.dHash, {
          projectId: event.data.projectId,
          sha256: event.data.sha256,
        });
      }
      if (read < catchUpPageSize) return;
    }
  }
}
