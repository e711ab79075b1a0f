import { EventEmitter } from 'node:events';
import type {
  EventStore,
  EventStoreProbe,
  GlobalPosition,
  RecordedEvent,
} from '@sunlight/event-store';

/** Events the tail keeps: a subscriber further behind than this reads pages again. */
export const liveTailEventsMax = 20_000;
/** …and their data and metadata as JSON, at most this many characters together. */
export const liveTailCharactersMax = 32 * 1024 * 1024;

/**
 * The log's newest events, followed by one subscription for the whole process and shared by
 * every live feed: a hundred SSE subscribers cost one reader of the log, not a hundred. The tail
 * holds every event after `coveredFrom` (the head when it started, later the last event it let
 * go of, keeping at most `liveTailEventsMax`); a reader at a position it does not cover is told
 * so and catches up from the store. Positions compare as strings, in log order (the port's rule).
 */
export class LiveTail {
  private events: RecordedEvent[] = [];
  private sizes: number[] = [];
  private characters = 0;
  /** Every event after this position is in `events`; '' is before every position. */
  private coveredFrom = '';
  private started: Promise<void> | undefined;
  private stop = new AbortController();
  private readonly appended = new EventEmitter();
  private failure: unknown;

  constructor(
    private readonly store: EventStore & EventStoreProbe,
    private readonly limits = {
      eventsMax: liveTailEventsMax,
      charactersMax: liveTailCharactersMax,
    },
  ) {
    this.appended.setMaxListeners(0);
  }

  /**
   * The events after `position` ('' or undefined: the start of the log), oldest first (empty when
   * there are none yet), or undefined when the tail does not cover `position`: read the store.
   */
  async after(position: GlobalPosition | undefined): Promise<readonly RecordedEvent[] | undefined> {
    await this.ensureStarted();
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.reset();
      throw failure;
    }
    const from = position ?? '';
    if (from < this.coveredFrom) return undefined;
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.events[middle] as RecordedEvent).position <= from) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low);
  }

  /** Resolves once an event after `position` is in the tail (or the tail failed), or `signal` aborts. */
  async waitBeyond(position: GlobalPosition | undefined, signal: AbortSignal): Promise<void> {
    const from = position ?? '';
    const last = this.events.at(-1)?.position;
    if ((last !== undefined && last > from) || this.failure !== undefined || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.appended.off('appended', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.appended.on('appended', done);
      signal.addEventListener('abort', done);
    });
  }

  close(): void {
    this.stop.abort();
    this.appended.emit('appended');
  }

  private reset(): void {
    this.stop.abort();
    this.stop = new AbortController();
    this.started = undefined;
    this.failure = undefined;
    this.events = [];
    this.sizes = [];
    this.characters = 0;
  }

  private ensureStarted(): Promise<void> {
    this.started ??= (async () => {
      const head = await this.store.headPosition();
      this.coveredFrom = head ?? '';
      void this.follow(head, this.stop.signal);
    })();
    return this.started;
  }

  private async follow(head: GlobalPosition | undefined, signal: AbortSignal): Promise<void> {
    try {
      for await (const message of this.store.subscribeToAll({
        ...(head === undefined ? {} : { after: head }),
        signal,
      })) {
        if (message.kind !== 'event') continue;
        const size =
          JSON.stringify(message.event.data).length + JSON.stringify(message.event.metadata).length;
        this.events.push(message.event);
        this.sizes.push(size);
        this.characters += size;
        // Let go in slices, not one by one: each splice moves the whole array.
        const { eventsMax, charactersMax } = this.limits;
        if (this.events.length > eventsMax + eventsMax / 10 || this.characters > charactersMax) {
          let count = Math.max(0, this.events.length - eventsMax);
          let characters = this.characters;
          for (let index = 0; index < count; index += 1) characters -= this.sizes[index] as number;
          while (characters > charactersMax / 2 && count < this.events.length - 1) {
            characters -= this.sizes[count] as number;
            count += 1;
          }
          const dropped = this.events.splice(0, count);
          this.sizes.splice(0, count);
          this.characters = characters;
          if (dropped.length > 0) this.coveredFrom = (dropped.at(-1) as RecordedEvent).position;
        }
        this.appended.emit('appended');
      }
    } catch (error) {
      if (!signal.aborted) this.failure = error;
      this.appended.emit('appended');
    }
  }
}
