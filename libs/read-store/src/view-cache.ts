/**
 * Answers computed from read-model documents, kept until the documents may have changed: each
 * is stored with the projection's position token (`ReadModelPositions.current`) it was computed
 * at, and reused only while the token is the same and the answer is younger than `maxAgeMs`
 * (for answers that also depend on the clock, such as idle money). Concurrent requests for the
 * same answer share one computation. Bounded: the least recently used entries go first.
 */
export class ReadModelViewCache<Value> {
  private readonly entries = new Map<string, { token: string; computedAtMs: number; value: Promise<Value> }>();

  constructor(
    private readonly entriesMax: number,
    private readonly maxAgeMs: number = Number.POSITIVE_INFINITY,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(Number.isInteger(entriesMax) && entriesMax >= 1)) throw new RangeError('entriesMax must be a positive integer');
  }

  /**
   * The answer for `key` at `token`. The token must be read before the documents are (so what is
   * cached is never older than its token); undefined (nothing active yet) computes every time.
   */
  get(key: string, token: string | undefined, compute: () => Promise<Value>): Promise<Value> {
    if (token === undefined) return compute();
    const now = this.nowMs();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.token === token && now - entry.computedAtMs < this.maxAgeMs) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    const value = compute();
    const created = { token, computedAtMs: now, value };
    this.entries.delete(key);
    this.entries.set(key, created);
    // A failure is not kept: the next request computes again.
    value.catch(() => {
      if (this.entries.get(key) === created) this.entries.delete(key);
    });
    if (this.entries.size > this.entriesMax) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
