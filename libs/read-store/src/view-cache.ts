interface Entry<Value> {
  token: string;
  /** What `getStamped` read of the answer's own documents when it computed the answer. */
  stamp?: string;
  computedAtMs: number;
  value: Promise<Value>;
}

/**
 * Answers computed from read-model documents, kept until the documents may have changed: each
 * is stored with the projection's position token (`ReadModelPositions.current`) it was computed
 * at, and reused only while the token is the same and the answer is younger than `maxAgeMs`
 * (for answers that also depend on the clock, such as idle money). Concurrent requests for the
 * same answer share one computation. Bounded: the least recently used entries go first.
 */
export class ReadModelViewCache<Value> {
  private readonly entries = new Map<string, Entry<Value>>();

  constructor(
    private readonly entriesMax: number,
    private readonly maxAgeMs: number = Number.POSITIVE_INFINITY,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(Number.isInteger(entriesMax) && entriesMax >= 1))
      throw new RangeError('entriesMax must be a positive integer');
  }

  /**
   * The answer for `key` at `token`. The token must be read before the documents are (so what is
   * cached is never older than its token); undefined (nothing active yet) computes every time.
   */
  get(key: string, token: string | undefined, compute: () => Promise<Value>): Promise<Value> {
    if (token === undefined) return compute();
    const now = this.nowMs();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.token === token && now - entry.computedAtMs < this.maxAgeMs)
      return this.touch(key, entry);
    return this.store(key, { token, computedAtMs: now, value: compute() });
  }

  /**
   * Like `get`, for an answer whose own documents can be stamped cheaply. The token moves with
   * every batch the projection commits, anywhere; when it has moved, `stampOf` reads a stamp of
   * just the documents this answer depends on (say the `lastPosition` of one document that every
   * change to them also changes, with the projection's version), and an answer computed at the
   * same stamp is reused, filed under the new token. Under a steady stream of events most
   * answers are thus checked with one read instead of recomputed. `compute` receives what
   * `stampOf` read, so it need not read it again.
   */
  async getStamped<Context>(
    key: string,
    token: string | undefined,
    stampOf: () => Promise<{ stamp: string; context: Context }>,
    compute: (context: Context) => Promise<Value>,
  ): Promise<Value> {
    if (token === undefined) return compute((await stampOf()).context);
    const current = this.entries.get(key);
    if (
      current !== undefined &&
      current.token === token &&
      this.nowMs() - current.computedAtMs < this.maxAgeMs
    ) {
      return this.touch(key, current);
    }
    const { stamp, context } = await stampOf();
    const now = this.nowMs();
    // Read again: a concurrent request may have filed an answer meanwhile.
    const entry = this.entries.get(key);
    if (entry !== undefined && now - entry.computedAtMs < this.maxAgeMs) {
      if (entry.token === token) return this.touch(key, entry);
      if (entry.stamp === stamp) {
        // Same documents: the answer stands. Its age is kept, so the clock-derived parts still expire.
        return this.store(key, { ...entry, token });
      }
    }
    return this.store(key, { token, stamp, computedAtMs: now, value: compute(context) });
  }

  /** The entry's answer, the entry now the most recently used. */
  private touch(key: string, entry: Entry<Value>): Promise<Value> {
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  private store(key: string, entry: Entry<Value>): Promise<Value> {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failure is not kept: the next request computes again.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (this.entries.size > this.entriesMax)
      this.entries.delete(this.entries.keys().next().value as string);
    return entry.value;
  }

  get size(): number {
    return this.entries.size;
  }
}
