/**
 * Puts a catch-up subscription's events and its side messages (caught up, checkpoints) into one
 * sequence in the order the server sent them.
 *
 * The client's subscription is an object-mode Readable of events; "caught up" arrives as an
 * emitted event and checkpoints through a callback, both while events sent before them may still
 * sit in the Readable's buffer. Iterating the Readable and listening beside it would let a
 * `caughtUp` overtake events that came before it. So the events are taken with `read()` (nothing
 * is ever between the buffer and this queue), and a side message is placed after exactly the
 * events that were in the buffer or already taken when it arrived. Events are read only while the
 * consumer is waiting, so a slow consumer holds the server back through the Readable's buffer
 * instead of this queue growing without bound.
 */

/** The part of a Node Readable this needs. */
export interface ReadableSource<T> {
  read(): T | null;
  readonly readableLength: number;
  on(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

type Entry<T, M> = { kind: 'item'; item: T } | { kind: 'side'; message: M };

export class OrderedMessages<T, M> {
  private readonly ready: Entry<T, M>[] = [];
  private readonly waitingSide: { afterTaken: number; message: M }[] = [];
  private taken = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly source: ReadableSource<T>) {
    source.on('readable', this.notify);
    source.on('end', this.finish);
    source.on('close', this.finish);
    source.on('error', this.fail);
  }

  /** A side message, ordered after every event the server sent before it. */
  addSideMessage(message: M): void {
    const afterTaken = this.taken + this.source.readableLength;
    if (afterTaken <= this.taken) this.ready.push({ kind: 'side', message });
    else this.waitingSide.push({ afterTaken, message });
    this.notify();
  }

  /** Every item and side message in order; ends when the source ends or `signal` aborts. */
  async *entries(signal: AbortSignal): AsyncGenerator<Entry<T, M>> {
    const onAbort = () => this.notify();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const next = this.ready.shift() ?? this.takeOne();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.detach();
    }
  }

  private takeOne(): Entry<T, M> | undefined {
    const item = this.source.read();
    if (item === null) return undefined;
    this.taken += 1;
    // Side messages that were waiting for this event now follow it.
    const released: Entry<T, M>[] = [];
    for (let i = 0; i < this.waitingSide.length;) {
      if (this.waitingSide[i]!.afterTaken <= this.taken) {
        released.push({ kind: 'side', message: this.waitingSide.splice(i, 1)[0]!.message });
      } else i += 1;
    }
    this.ready.push(...released);
    return { kind: 'item', item };
  }

  private readonly notify = () => this.wake?.();
  private readonly finish = () => {
    this.ended = true;
    this.notify();
  };
  private readonly fail = (error: Error) => {
    this.failure ??= error;
    this.notify();
  };

  private detach(): void {
    this.source.off('readable', this.notify);
    this.source.off('end', this.finish);
    this.source.off('close', this.finish);
    this.source.off('error', this.fail);
  }
}
