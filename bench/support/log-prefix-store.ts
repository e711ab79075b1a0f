import { encodePosition } from '@sunlight/event-store/postgres';
import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type SubscriptionMessage,
} from '@sunlight/event-store';

/**
 * The first `limit` positions of a PostgreSQL log, seen as a whole log: a subscription reports
 * `caughtUp` at the limit and ends there. Lets a slow read store rebuild from a documented
 * subset of the events (`--mongodb-events`) with the unchanged projection runner.
 */
export class LogPrefixStore implements EventStore {
  private readonly limit: GlobalPosition;

  constructor(
    private readonly inner: EventStore & { headPosition(): Promise<GlobalPosition | undefined> },
    limit: number,
  ) {
    this.limit = encodePosition(limit);
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    const head = await this.inner.headPosition();
    return head === undefined || head <= this.limit ? head : this.limit;
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    for await (const message of this.inner.subscribeToAll(options)) {
      const position = message.kind === 'event' ? message.event.position : message.position;
      // Positions of one PostgreSQL store are zero-padded, so they compare as strings.
      if (position !== undefined && position > this.limit) {
        yield { kind: 'caughtUp', position: this.limit };
        return;
      }
      yield message;
    }
  }

  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return this.inner.appendToStream(streamName, events, options);
  }

  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readStream(streamName, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  close(): Promise<void> {
    return Promise.resolve(); // the inner store belongs to the caller
  }
}
