/**
 * The event store port. Every adapter (PostgreSQL now, KurrentDB later) honours exactly this
 * contract, checked by the shared suite in `testing/event-store.contract.ts`.
 *
 * There is deliberately no delete, truncate or stream-metadata call: an audit log is only ever
 * appended to, and a mistake is corrected by a compensating event.
 */

/** `bigint` is the 0-based revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * A global position. Opaque to callers: positions from one store compare with plain string
 * comparison in log order, and nothing else may be assumed about them.
 */
export type GlobalPosition = string;

export type JsonObject = { [key: string]: unknown };

export interface EventToAppend {
  /** UUID; the idempotency key within a stream. */
  eventId: string;
  /** Past tense, never `$`-prefixed. */
  type: string;
  data: JsonObject;
  /**
   * Who, when, why (see envelope.ts). Two fields here are also instructions to the store:
   * `claims` (string[]) are keys this event claims for its stream, exclusively across the whole
   * log: the append fails with `ClaimTakenError` when another stream holds one of them, and
   * nothing of it is written; `releases` (string[]) gives keys this stream held back. A stream
   * may claim a key it already holds (a repeat). They stay in the event, so the claims can be
   * checked against the log at any time.
   */
  metadata: JsonObject;
}

export interface RecordedEvent extends EventToAppend {
  streamName: string;
  /** 0-based, gapless within the stream. */
  revision: bigint;
  position: GlobalPosition;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  /**
   * Refuse an idempotent repeat of an earlier identical append with WrongExpectedVersionError,
   * as any append whose expectation fails, instead of answering it as a success: the caller
   * learns that this append wrote its events. Only on a store with `refusesRepeats`.
   */
  refuseRepeat?: boolean;
}

export interface AppendResult {
  nextExpectedRevision: bigint;
  /** The position of the last event of the batch. */
  position: GlobalPosition;
  /**
   * The events as recorded, when the store can tell without reading them back: PostgreSQL does
   * for an append it wrote (their `data` and `metadata` are the objects given, not copies), and
   * not for an idempotent repeat of an earlier one. Absent, read them if you need them.
   */
  recorded?: readonly RecordedEvent[];
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  fromRevision?: bigint;
  maxCount?: number;
  direction?: ReadDirection;
}

export interface AllFilter {
  on: 'streamName' | 'eventType';
  prefixes: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: the first event returned is the one after this position. */
  after?: GlobalPosition;
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Exclusive, as in `readAll`. */
  after?: GlobalPosition;
  filter?: AllFilter;
  /** Emit a checkpoint at least every this many scanned events while a filter skips them. */
  checkpointInterval?: number;
  signal: AbortSignal;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'checkpoint'; position: GlobalPosition }
  | { kind: 'caughtUp'; position: GlobalPosition | undefined };

export interface EventStore {
  /** True when the store honours `AppendOptions.refuseRepeat` (PostgreSQL). */
  readonly refusesRepeats?: boolean;
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  /** A missing stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catch-up, then live. Ends when `signal` aborts. */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage>;
  close(): Promise<void>;
}

/**
 * What operational plumbing (health, metrics, lag) needs beyond the port. Kept apart from
 * `EventStore` so deciders never depend on probes, while every adapter still offers them.
 */
export interface EventStoreProbe {
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** The position of the last event in the log; undefined while the log is empty. */
  headPosition(): Promise<GlobalPosition | undefined>;
}
