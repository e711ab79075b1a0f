import type { GlobalPosition } from '@sunlight/event-store';
import type { ProjectionCommit } from '@sunlight/read-store';

/** Documents whose last change is remembered exactly; older ones share one bound. */
export const documentChangesMax = 100_000;

/**
 * Where each document of one projection version last changed, from the commits its runner
 * reports, so that an answer computed from a document can be known current without reading it.
 * Every document not remembered (changed before the first reported commit, or forgotten when
 * more than `documentChangesMax` were) last changed at or below `floor`, and its token moves
 * with the floor. Positions are the event store's, decimal strings of one width.
 */
export class DocumentChanges {
  private readonly lastChanged = new Map<string, GlobalPosition>();
  private floor: GlobalPosition | undefined;
  private started = false;

  constructor(
    readonly version: number,
    private readonly changesMax = documentChangesMax,
  ) {}

  record(commit: ProjectionCommit): void {
    if (!this.started) {
      this.started = true;
      this.floor = commit.previousPosition;
    }
    for (const key of commit.changedKeys) {
      this.lastChanged.delete(key);
      this.lastChanged.set(key, commit.position);
    }
    // The least recently changed go first; their positions are the smallest, so the floor only rises.
    while (this.lastChanged.size > this.changesMax) {
      const [key, position] = this.lastChanged.entries().next().value as [string, GlobalPosition];
      this.lastChanged.delete(key);
      this.floor = position;
    }
  }

  /** A token that changes whenever the document does; undefined before any commit was seen. */
  token(collection: string, id: string): string | undefined {
    if (!this.started) return undefined;
    const position = this.lastChanged.get(`${collection}/${id}`);
    return position === undefined
      ? `${this.version}@≤${this.floor ?? ''}`
      : `${this.version}@=${position}`;
  }
}
