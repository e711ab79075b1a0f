/**
 * Folded stream states kept in memory, least recently used out first. A cached state is only a
 * starting point: `handleCommand` always reads the stream's tail after it, so another process's
 * writes are never missed. States must be immutable (deciders' `evolve` returns new values).
 */
export class StateCache<State> {
  private readonly entries = new Map<string, { revision: bigint; state: State }>();

  constructor(readonly entriesMax: number) {
    if (!Number.isInteger(entriesMax) || entriesMax < 1)
      throw new RangeError('entriesMax must be a positive integer');
  }

  get(streamName: string): { revision: bigint; state: State } | undefined {
    const entry = this.entries.get(streamName);
    if (entry === undefined) return undefined;
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    return entry;
  }

  /** Keeps the newer of the cached and the offered state. */
  set(streamName: string, revision: bigint, state: State): void {
    const current = this.entries.get(streamName);
    if (current !== undefined && current.revision > revision) return;
    this.entries.delete(streamName);
    this.entries.set(streamName, { revision, state });
    if (this.entries.size > this.entriesMax) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
