import {
  BACKWARDS,
  END,
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
import { validateAppend, type ValidatedAppend } from '../append-validation';
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
  JsonObject,
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
  isUnimplemented,
  nextCheckpoint,
  toKurrentFilter,
  packMetadata,
  toKurrentMetadata,
  toRecordedEvent,
  toStreamState,
  type KurrentRecordedEvent,
} from './mapping';
import {
  claimKeysOf,
  firstRevisionOf,
  hasClaims,
  planClaims,
  readClaimState,
  type ClaimStreamState,
} from './claims';
import { OrderedMessages, type ReadableSource } from './ordered-messages';
import { decodeKurrentPosition, encodeKurrentPosition } from './positions';
import { applicationStreamsRegex, isStoreStream, storeStreamPrefix } from './store-streams';

/** How often a filtered subscription reports progress when the caller does not say. */
const checkpointIntervalDefault = 1_000;
/**
 * Plans of one claims append, each after a revision conflict on a claim stream (another append
 * changed that key meanwhile). Each conflict means another append to the same key committed, so a
 * few are plenty; past them the caller gets a WrongExpectedVersionError and its own retry.
 */
const claimsAppendAttemptsMax = 5;

/**
 * The event store port on KurrentDB (EventStoreDB), through @kurrent/kurrentdb-client 1.x.
 *
 * Written against the client's documented API and types only: no KurrentDB server can run on the
 * build machines, so this has never been run against one (kurrentdb-event-store.contract.spec.ts
 * runs the shared contract when KURRENTDB_URL is set). Appends that claim or release keys go
 * through one atomic multi-stream append with the keys' claim streams (claims.ts), which needs
 * KurrentDB 25.1 or later. The store's own streams (`sunlight-store-…`: claims, snapshots,
 * processor checkpoints) are hidden from `$all` reads and refused as append targets.
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
    if (isStoreStream(streamName)) {
      throw new InvalidAppendError(
        'streamName',
        `must not start with "${storeStreamPrefix}" (the store's own streams)`,
      );
    }
    append.events.forEach((event, index) =>
      toKurrentMetadata(`events[${index}].metadata`, event.metadata),
    );
    if (hasClaims(append.events)) return this.appendWithClaims(append, options);
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
    const written = await this.batchAt(
      append,
      nextExpectedRevision - BigInt(append.events.length - 1),
    );
    if (written === undefined) {
      throw new WrongExpectedVersionError(
        streamName,
        options.expectedRevision,
        nextExpectedRevision,
        'the events at the revisions the server answered are not this batch',
      );
    }
    return written;
  }

  /**
   * An append that claims or releases keys (claims.ts): planned from the keys' claim streams and
   * written with them in one multi-stream append, planned again when a claim stream moved.
   */
  private async appendWithClaims(
    append: ValidatedAppend,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const { streamName, events } = append;
    const firstRevision = firstRevisionOf(options.expectedRevision);
    const keys = claimKeysOf(events);
    for (let attempt = 1; attempt <= claimsAppendAttemptsMax; attempt += 1) {
      // A repeat of an append already written answers as the first did. The multi-stream append
      // is not relied on for that: its idempotency across streams is not documented.
      const repeat = await this.batchAt(append, firstRevision);
      if (repeat !== undefined) return repeat;
      const states = new Map<string, ClaimStreamState>();
      for (const key of keys) states.set(key, await readClaimState(this, key));
      let writes: ReturnType<typeof planClaims>;
      try {
        writes = planClaims(streamName, events, firstRevision, states);
      } catch (error) {
        // PostgreSQL checks the revision before the claims; a stale writer hears of its conflict
        // (and retries) rather than of a key that may be its own stream's by now.
        const actual = await this.lastRevisionOf(streamName);
        if (actual !== (firstRevision === 0n ? 'no_stream' : firstRevision - 1n)) {
          throw new WrongExpectedVersionError(streamName, options.expectedRevision, actual);
        }
        throw error;
      }
      try {
        await this.client.multiStreamAppend([
          {
            streamName,
            expectedState: toStreamState(options.expectedRevision),
            events: events.map((event) =>
              jsonEvent({
                id: event.eventId,
                type: event.type,
                data: event.data,
                metadata: packMetadata(event.metadataText),
              }),
            ),
          },
          ...writes.map((write) => ({
            streamName: write.streamName,
            expectedState: write.expectedState,
            events: write.records.map((record) =>
              jsonEvent({ id: record.eventId, type: record.type, data: record.data }),
            ),
          })),
        ]);
      } catch (error) {
        const conflictOn = isClientError(error, 'WrongExpectedVersionError')
          ? (error as { streamName?: unknown }).streamName
          : undefined;
        if (typeof conflictOn === 'string' && isStoreStream(conflictOn)) continue;
        if (isUnimplemented(error)) {
          throw new Error(
            'appends that claim keys need KurrentDB 25.1 or later (multi-stream append); this server does not offer it',
            { cause: error },
          );
        }
        throw this.translate(error, streamName, options);
      }
      const written = await this.batchAt(append, firstRevision);
      if (written === undefined) {
        throw new Error(
          `${streamName}: the multi-stream append succeeded but its events are not at revision ${firstRevision}`,
        );
      }
      return written;
    }
    throw new WrongExpectedVersionError(
      streamName,
      options.expectedRevision,
      await this.lastRevisionOf(streamName),
      `the keys it claims kept changing over ${claimsAppendAttemptsMax} attempts`,
    );
  }

  private async lastRevisionOf(streamName: string): Promise<bigint | 'no_stream'> {
    const [last] = await this.collectStream(streamName, { direction: 'backwards', maxCount: 1 });
    return last === undefined ? 'no_stream' : last.revision;
  }

  /**
   * The result of `append` if the stream holds exactly its events from `firstRevision` on, else
   * undefined. The position is read back rather than taken from the append's answer: an
   * idempotent repeat must answer exactly as the first append did, and the client's `position`
   * is optional. Comparing ids also catches a partly overlapping batch, which the server's
   * best-effort idempotency under `any` does not promise to refuse.
   */
  private async batchAt(
    append: ValidatedAppend,
    firstRevision: bigint,
  ): Promise<AppendResult | undefined> {
    const count = append.events.length;
    const written = await this.collectStream(append.streamName, {
      fromRevision: firstRevision,
      maxCount: count,
    });
    const ids = written.map((event) => event.eventId).join();
    if (written.length !== count || ids !== append.events.map((event) => event.eventId).join()) {
      return undefined;
    }
    return {
      nextExpectedRevision: firstRevision + BigInt(count - 1),
      position: written[count - 1]!.position,
    };
  }

  /**
   * Appends the store's own records (snapshots, processor checkpoints) to one of its own streams,
   * which `appendToStream` refuses. Only this adapter's stores call it.
   */
  async appendStoreRecords(
    storeStream: string,
    records: readonly { eventId: string; type: string; data: JsonObject }[],
    expectedRevision: bigint | 'no_stream',
  ): Promise<void> {
    if (!isStoreStream(storeStream)) {
      throw new Error(`${storeStream} is not one of the store's own streams`);
    }
    try {
      await this.client.appendToStream(
        storeStream,
        records.map((record) =>
          jsonEvent({ id: record.eventId, type: record.type, data: record.data }),
        ),
        { streamState: expectedRevision },
      );
    } catch (error) {
      throw this.translate(error, storeStream, { expectedRevision });
    }
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
        const event = applicationEventOf(resolved);
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
          const event = applicationEventOf(entry.item);
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
        filter: this.filterFor(undefined, 1),
      })) {
        const event = applicationEventOf(resolved);
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

  /** The client's filter; without one, system events and the store's streams are left out on the server. */
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
      return {
        filterOn: 'streamName',
        regex: applicationStreamsRegex,
        maxSearchWindow: Math.min(checkpointEvery, 32),
        checkpointInterval: Math.ceil(checkpointEvery / Math.min(checkpointEvery, 32)),
        ...callback,
      };
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

/** An event of `$all` as the port hands it on: neither a system event nor one of the store's own. */
function applicationEventOf(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = recordedOf(resolved);
  return event === undefined || isStoreStream(event.streamName) ? undefined : event;
}

/** The client's errors are classes of its own module; matched by name so two copies still match. */
function isClientError(error: unknown, name: string): boolean {
  return error instanceof Error && (error.name === name || error.constructor.name === name);
}
