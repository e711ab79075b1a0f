import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  START,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type Position,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { validateAppend } from '../append-validation';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
  WrongExpectedVersionError,
} from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreProbe,
  EventToAppend,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port';
import {
  fromActualState,
  isAtOrBefore,
  isSystemEvent,
  isUnavailable,
  nextCheckpoint,
  toKurrentFilter,
  toKurrentMetadata,
  toRecordedEvent,
  toStreamState,
  type KurrentRecordedEvent,
} from './mapping';
import { OrderedMessages, type ReadableSource } from './ordered-messages';
import { decodeKurrentPosition, encodeKurrentPosition } from './positions';

/** How often a filtered subscription reports progress when the caller does not say. */
const checkpointIntervalDefault = 1_000;

/**
 * The event store port on KurrentDB (EventStoreDB), through @kurrent/kurrentdb-client 1.x.
 *
 * Written against the client's documented API and types only: no KurrentDB server can run on the
 * build machines, so this has never been run against one (kurrentdb-event-store.contract.spec.ts
 * runs the shared contract when KURRENTDB_URL is set). It is NOT wired into the app: the app
 * needs more than this port from its log (claims, the chain keeper's hashes, snapshots,
 * processor checkpoints, the Merkle tree), none of which exists for KurrentDB yet
 * (docs/deploy.md). An append that carries claims is refused rather than written without them.
 */
export class KurrentDbEventStore implements EventStore, EventStoreProbe {
  private constructor(private readonly client: KurrentDBClient) {}

  /** `kurrentdb://…` or `kurrentdb+discover://…` (the client's connection string). */
  static connect(connectionString: string): KurrentDbEventStore {
    return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString));
  }

  async appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const append = validateAppend(streamName, events, options);
    append.events.forEach((event, index) => {
      toKurrentMetadata(`events[${index}].metadata`, event.metadata);
      if (event.metadata['claims'] !== undefined || event.metadata['releases'] !== undefined) {
        throw new InvalidAppendError(
          `events[${index}].metadata.claims`,
          'claims are not supported on KurrentDB yet (docs/deploy.md)',
        );
      }
    });
    let nextExpectedRevision: bigint;
    try {
      const result = await this.client.appendToStream(
        streamName,
        append.events.map((event) =>
          jsonEvent({
            id: event.eventId,
            type: event.type,
            data: event.data,
            metadata: event.metadata,
          }),
        ),
        { streamState: toStreamState(options.expectedRevision) },
      );
      nextExpectedRevision = result.nextExpectedRevision;
    } catch (error) {
      throw this.translate(error, streamName, options);
    }
    // The position of the batch's last event, read back by its revision rather than taken from
    // the append's answer: an idempotent repeat must answer exactly as the first append did, and
    // the client's `position` is optional. The read also checks that the events at those
    // revisions are this batch's, which the server's best-effort idempotency under `any` does not
    // promise for a partly overlapping batch.
    const last = append.events.length - 1;
    const written = await this.collectStream(streamName, {
      fromRevision: nextExpectedRevision - BigInt(last),
      maxCount: append.events.length,
    });
    const ids = written.map((event) => event.eventId);
    if (ids.join() !== append.events.map((event) => event.eventId).join()) {
      throw new WrongExpectedVersionError(
        streamName,
        options.expectedRevision,
        nextExpectedRevision,
        'the events at the revisions the server answered are not this batch',
      );
    }
    return { nextExpectedRevision, position: written[last]!.position };
  }

  async *readStream(
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    try {
      const events = this.client.readStream(streamName, {
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of events) {
        const event = recordedOf(resolved);
        if (event !== undefined) yield event;
      }
    } catch (error) {
      // A missing stream reads as empty (the client throws while iterating).
      if (isClientError(error, 'StreamNotFoundError')) return;
      throw this.translate(error, streamName);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const filter = this.filterFor(options.filter, checkpointIntervalDefault);
    // readAll starts AT fromPosition; `after` is exclusive, so one more is read and skipped.
    const extra = options.after === undefined ? 0 : 1;
    let handed = 0;
    try {
      const events = this.client.readAll({
        fromPosition: options.after === undefined ? START : decodeKurrentPosition(options.after),
        direction: FORWARDS,
        filter,
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount + extra }),
      });
      for await (const resolved of events) {
        const event = recordedOf(resolved);
        if (event === undefined || isAtOrBefore(event.position, options.after)) continue;
        yield event;
        handed += 1;
        if (options.maxCount !== undefined && handed >= options.maxCount) return;
      }
    } catch (error) {
      throw this.translate(error, '$all');
    }
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    if (options.signal.aborted) return;
    let lastDelivered: GlobalPosition | undefined = options.after;
    let lastCheckpoint: GlobalPosition | undefined;
    let caughtUpSent = false;
    // The filter's checkpoint callback is made before the subscription and its queue exist; the
    // server's first answer comes asynchronously, after the queue is in place.
    const side: { queue?: OrderedMessages<AllStreamResolvedEvent, SubscriptionMessage> } = {};
    const filter = this.filterFor(
      options.filter,
      options.checkpointInterval ?? checkpointIntervalDefault,
      (position) =>
        side.queue?.addSideMessage({
          kind: 'checkpoint',
          position: encodeKurrentPosition(position),
        }),
    );
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        // Exclusive: "you will only receive the next event after the subscribed position".
        fromPosition: options.after === undefined ? START : decodeKurrentPosition(options.after),
        filter,
      });
    } catch (error) {
      throw this.translate(error, '$all');
    }
    const queue = new OrderedMessages<AllStreamResolvedEvent, SubscriptionMessage>(
      subscription as unknown as ReadableSource<AllStreamResolvedEvent>,
    );
    side.queue = queue;
    subscription.on('caughtUp', (info) =>
      queue.addSideMessage({
        kind: 'caughtUp',
        position: info.position === undefined ? undefined : encodeKurrentPosition(info.position),
      }),
    );
    try {
      for await (const entry of queue.entries(options.signal)) {
        if (entry.kind === 'item') {
          const event = recordedOf(entry.item);
          if (event === undefined || isAtOrBefore(event.position, lastDelivered)) continue;
          lastDelivered = event.position;
          yield { kind: 'event', event };
        } else if (entry.message.kind === 'checkpoint') {
          const position = nextCheckpoint(entry.message.position, lastDelivered, lastCheckpoint);
          if (position === undefined) continue;
          lastCheckpoint = position;
          yield { kind: 'checkpoint', position };
        } else if (entry.message.kind === 'caughtUp' && !caughtUpSent) {
          // After falling behind, the server says it again; the port promises it once.
          caughtUpSent = true;
          yield { kind: 'caughtUp', position: entry.message.position ?? lastDelivered };
        }
      }
    } catch (error) {
      throw this.translate(error, '$all');
    } finally {
      // Cancels the gRPC call, then lets go of what the stream still buffers.
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }

  async ping(): Promise<void> {
    await this.headPosition();
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    try {
      for await (const resolved of this.client.readAll({
        fromPosition: END,
        direction: BACKWARDS,
        maxCount: 1,
        filter: excludeSystemEvents(),
      })) {
        const event = recordedOf(resolved);
        if (event !== undefined) return event.position;
      }
      return undefined;
    } catch (error) {
      throw this.translate(error, '$all');
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async collectStream(
    streamName: string,
    options: ReadStreamOptions,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.readStream(streamName, options)) events.push(event);
    return events;
  }

  /** The client's filter; without one, system events are left out on the server. */
  private filterFor(
    filter: ReadAllOptions['filter'],
    checkpointEvery: number,
    checkpointReached?: (position: Position) => void,
  ): Filter {
    const mapped = toKurrentFilter(filter, checkpointEvery);
    const callback = checkpointReached && {
      checkpointReached: (_subscription: AllStreamSubscription, position: Position) =>
        checkpointReached(position),
    };
    if (mapped === undefined) {
      return excludeSystemEvents({
        maxSearchWindow: Math.min(checkpointEvery, 32),
        checkpointInterval: Math.ceil(checkpointEvery / Math.min(checkpointEvery, 32)),
        ...callback,
      });
    }
    return { ...mapped, ...callback };
  }

  private translate(error: unknown, streamName: string, append?: AppendOptions): unknown {
    if (isClientError(error, 'WrongExpectedVersionError') && append) {
      return new WrongExpectedVersionError(
        streamName,
        append.expectedRevision,
        fromActualState((error as { actualState?: unknown }).actualState),
      );
    }
    if (isClientError(error, 'MaxAppendSizeExceededError')) {
      return new InvalidAppendError('events', "exceed the KurrentDB server's largest append");
    }
    if (isUnavailable(error)) {
      return new EventStoreUnavailableError(
        `KurrentDB cannot be reached: ${(error as Error).message}`,
        error,
      );
    }
    return error;
  }
}

/** The app's events only: a link without its target, or a system event, is skipped. */
function recordedOf(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event as KurrentRecordedEvent | undefined;
  if (event === undefined || isSystemEvent(event)) return undefined;
  return toRecordedEvent(event);
}

/** The client's errors are classes of its own module; matched by name so two copies still match. */
function isClientError(error: unknown, name: string): boolean {
  return error instanceof Error && (error.name === name || error.constructor.name === name);
}
