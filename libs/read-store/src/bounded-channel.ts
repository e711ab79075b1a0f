/**
 * A queue between one producer and one consumer, bounded so that a fast producer (a catch-up
 * subscription reading pages) waits for a slow consumer (batches being committed) instead of
 * filling memory, while still reading ahead of it.
 */
export type Taken<T> = { kind: 'item'; item: T } | { kind: 'timeout' } | { kind: 'end' };

export class BoundedChannel<T> {
  private items: T[] = [];
  private head = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new Error(`channel capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Resolves once the item is queued; false when the channel ended and the item was dropped. */
  async push(item: T): Promise<boolean> {
    while (this.size >= this.capacity && !this.ended) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
    if (this.ended) return false;
    this.items.push(item);
    this.wake('consumer');
    return true;
  }

  /** No more items: the consumer drains what is queued, then sees `end` (or the failure). */
  end(failure?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    this.wake('consumer');
    this.wake('producer');
  }

  /** The next item; `timeout` after `timeoutMs` without one; `end` once ended and drained. */
  async take(timeoutMs?: number): Promise<Taken<T>> {
    for (;;) {
      if (this.size > 0) {
        const item = this.items[this.head] as T;
        this.head += 1;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        this.wake('producer');
        return { kind: 'item', item };
      }
      if (this.ended) {
        if (this.failure) throw this.failure.error;
        return { kind: 'end' };
      }
      if (timeoutMs !== undefined && timeoutMs <= 0) return { kind: 'timeout' };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        this.wakeConsumer = () => resolve(false);
        if (timeoutMs !== undefined) timer = setTimeout(() => resolve(true), timeoutMs);
      });
      clearTimeout(timer);
      this.wakeConsumer = undefined;
      if (timedOut && this.size === 0 && !this.ended) return { kind: 'timeout' };
    }
  }

  private wake(who: 'consumer' | 'producer'): void {
    const wake = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    wake?.();
  }
}
