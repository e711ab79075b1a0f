import type { ChainHashes, GlobalPosition } from '@sunlight/event-store';

/** Hashes kept: the live tail every subscriber is reading, several times over. */
const cachedHashesMax = 50_000;

/**
 * Chain hashes for every reader of this process at once: the positions asked for in one turn of
 * the event loop are looked up in one query, and recent answers are kept, so a hundred live
 * subscribers receiving the same event cost one lookup, not a hundred. A chain hash never
 * changes once written, so a kept one is never stale.
 */
export class ChainHashLoader {
  private readonly cache = new Map<GlobalPosition, string>();
  private batch: Map<GlobalPosition, ((hash: string | undefined, error?: unknown) => void)[]> =
    new Map();
  private scheduled = false;

  constructor(private readonly hashes: ChainHashes) {}

  async load(positions: readonly GlobalPosition[]): Promise<ReadonlyMap<GlobalPosition, string>> {
    const found = new Map<GlobalPosition, string>();
    const waits: Promise<void>[] = [];
    for (const position of positions) {
      const cached = this.cache.get(position);
      if (cached !== undefined) {
        found.set(position, cached);
        continue;
      }
      waits.push(
        new Promise<void>((resolve, reject) => {
          const waiters = this.batch.get(position) ?? [];
          waiters.push((hash, error) => {
            if (error !== undefined) return reject(error);
            if (hash !== undefined) found.set(position, hash);
            resolve();
          });
          this.batch.set(position, waiters);
        }),
      );
    }
    if (waits.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    await Promise.all(waits);
    return found;
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = new Map();
    this.scheduled = false;
    try {
      const hashes = await this.hashes.chainHashesOf([...batch.keys()]);
      for (const [position, waiters] of batch) {
        const hash = hashes.get(position);
        if (hash !== undefined) this.remember(position, hash);
        for (const waiter of waiters) waiter(hash);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter(undefined, error);
    }
  }

  private remember(position: GlobalPosition, hash: string): void {
    if (this.cache.size >= cachedHashesMax) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.cache.keys().next().value as GlobalPosition;
      this.cache.delete(oldest);
    }
    this.cache.set(position, hash);
  }
}
