import { EventEmitter } from 'node:events';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { validateAppend, type ValidatedAppend } from '../append-validation';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
  WrongExpectedVersionError,
  type ActualRevision,
} from '../errors';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port';
import { binaryTextArray, binaryUuidArray } from './binary-arrays';
import { appRoleName, runMigrations } from './migrations';
import { decodePosition, encodePosition } from './positions';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** Run pending migrations before use; default true. */
  migrate?: boolean;
  /** Act as the restricted application role after connecting; default true. */
  useAppRole?: boolean;
  /** How often a live subscriber polls when no notification arrives. */
  pollIntervalMs?: number;
  /**
   * The least time between two scans of one live subscriber; notifications meanwhile are
   * gathered into the next scan. Default `liveScanIntervalMsDefault`; 0 scans on every one.
   */
  liveScanIntervalMs?: number;
}

/** Rows fetched per query while reading; bounds memory per reader. */
export const readPageSizeMax = 500;
/** Positions scanned per query by a filtered reader, so a sparse filter never scans the world at once. */
export const scanWindowPositions = 5_000n;
export const checkpointIntervalDefault = 1_000;
/** Calls of `sunlight_append` in flight at once; more would only queue on its lock. */
export const appendFlushesConcurrentMax = 2;
/**
 * Events that must be waiting before a call starts while another is still in flight. A second
 * call only queues on the lock, so it pays when it carries enough work to overlap (batches of
 * 100: +40 % events/s) and not when it would split a handful of single appends that the next
 * call could carry together (eight writers of single events: -25 %).
 */
export const appendPipelineEventsMin = 100;
/**
 * Appends and events carried by one call, which bound one transaction's size. An append larger
 * than the events bound travels alone. Calls of about 200 events leave room for a second call
 * to overlap the first (four writers of 100-event batches: +25 % over calls of 400).
 */
export const appendCallAppendsMax = 64;
export const appendCallEventsMax = 200;
const closeDrainMsMax = 10_000;
/**
 * Every committed append notifies every live subscriber, and each of them then scans the log: a
 * query apiece per commit. Under a steady stream of commands the processors and projections of
 * an instance thus ran more queries than the commands did. Scanning at most every 20 ms bounds
 * that at 50 a second per subscriber, whatever the write rate, and costs a quiet log nothing: a
 * notification after a pause is scanned at once. Projections batch for 20 ms anyway.
 */
export const liveScanIntervalMsDefault = 20;
const pollIntervalMsDefault = 1_000;
const notifyChannel = 'sunlight_events';

/** An `events` row as the driver returns it. */
export interface EventRow {
  position: string;
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const eventColumns = 'position, stream_name, revision, event_id, type, data, metadata, recorded_at';

// Connection-level failures: the store is unreachable, not the request wrong.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
  '08006',
  '08001',
  '08004',
]);

export class PostgresEventStore implements EventStore {
  private readonly wakeups = new EventEmitter();
  private readonly appendQueue: PendingAppend[] = [];
  private appendFlushes = 0;
  private flushScheduled = false;
  private listener: PoolClient | undefined;
  private listenerStarting: Promise<void> | undefined;
  private listenerUsers = 0;
  /** The highest position a NOTIFY announced; every event at or below it is committed. */
  private notifiedHead = 0n;
  private closed = false;
  /** Calls of `sunlight_append` made, and the appends they carried: how well appends share commits. */
  readonly appendCalls = { calls: 0, appends: 0 };

  private constructor(
    readonly pool: Pool,
    private readonly pollIntervalMs: number,
    private readonly liveScanIntervalMs: number,
  ) {
    this.wakeups.setMaxListeners(0);
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'sunlight',
    };
    if (options.migrate ?? true) {
      const admin = new Pool({ ...config, max: 1 });
      try {
        const client = await admin.connect();
        try {
          await runMigrations(client);
        } finally {
          client.release();
        }
      } catch (error) {
        throw toUnavailable(error, 'could not migrate the event store');
      } finally {
        await admin.end();
      }
    }
    // The role is part of the connection's start-up, so no query can ever run with more rights.
    const pool = new Pool(
      (options.useAppRole ?? true) ? { ...config, options: `-c role=${appRoleName}` } : config,
    );
    pool.on('error', () => undefined); // an idle client's failure surfaces on its next query
    // A checked-out client that loses its server between queries emits 'error' on itself; the
    // next query fails with it anyway, so the event must not crash the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return new PostgresEventStore(
      pool,
      options.pollIntervalMs ?? pollIntervalMsDefault,
      options.liveScanIntervalMs ?? liveScanIntervalMsDefault,
    );
  }

  /**
   * Appends are queued and written by at most `appendFlushesConcurrentMax` calls of
   * `sunlight_append` at a time; whatever queued meanwhile travels together in the next call.
   * Concurrent callers thus share one lock acquisition and one commit (group commit), while
   * each append keeps its own expected-revision check and its own result.
   */
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    let pending: PendingAppend;
    try {
      const append = validateAppend(streamName, events, options);
      pending = {
        append,
        expected: options.expectedRevision,
        ...encodeAppend(append),
        resolve: noop,
        reject: noop,
      };
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.closed)
      return Promise.reject(new EventStoreUnavailableError('the event store is closed'));
    return new Promise<AppendResult>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
      this.appendQueue.push(pending);
      if (!this.flushScheduled) this.flushAppends();
    });
  }

  private flushAppends(): void {
    while (
      this.appendFlushes < appendFlushesConcurrentMax &&
      this.appendQueue.length > 0 &&
      (this.appendFlushes === 0 || this.queuedEvents() >= appendPipelineEventsMin)
    ) {
      const batch: PendingAppend[] = [];
      let eventCount = 0;
      while (
        this.appendQueue.length > 0 &&
        batch.length < appendCallAppendsMax &&
        (batch.length === 0 ||
          eventCount + this.appendQueue[0].append.events.length <= appendCallEventsMax)
      ) {
        const next = this.appendQueue.shift() as PendingAppend;
        eventCount += next.append.events.length;
        batch.push(next);
      }
      this.appendFlushes += 1;
      void this.writeAppends(batch).finally(() => {
        this.appendFlushes -= 1;
        // On the next turn of the event loop, not now: the callers this call just answered
        // append again from their promise continuations, and the next call should carry them.
        if (this.flushScheduled) return;
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flushAppends();
        });
      });
    }
  }

  private queuedEvents(): number {
    let events = 0;
    for (const pending of this.appendQueue) {
      events += pending.append.events.length;
      if (events >= appendPipelineEventsMin) break;
    }
    return events;
  }

  private async writeAppends(batch: PendingAppend[]): Promise<void> {
    let rows: AppendRow[];
    this.appendCalls.calls += 1;
    this.appendCalls.appends += batch.length;
    try {
      ({ rows } = await this.query<AppendRow>(
        appendStatementName,
        appendSql,
        appendParameters(batch),
      ));
    } catch (error) {
      if (batch.length > 1 && !(error instanceof EventStoreUnavailableError)) {
        // One bad append must not fail the others that happened to share its call; nor one that
        // repeats event ids, which the unique index refuses on the set-based path (migration 7):
        // alone, each is decided by the one-by-one rules.
        await Promise.all(batch.map((pending) => this.writeAppends([pending])));
        return;
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const row of rows) {
      const pending = batch[row.item - 1];
      settleAppend(pending, row);
    }
  }

  async *readStream(
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    assertCount('maxCount', remaining);
    let cursor: bigint | undefined = options.fromRevision;
    let inclusive = true;
    while (remaining > 0) {
      const limit = Math.min(readPageSizeMax, remaining);
      const comparison = backwards ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>';
      const { rows } = await this.query<EventRow>(
        undefined,
        `SELECT ${eventColumns} FROM events WHERE stream_name = $1
           AND ($2::bigint IS NULL OR revision ${comparison} $2::bigint)
         ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
        [streamName, cursor === undefined ? null : cursor.toString(), limit],
      );
      for (const row of rows) yield toRecordedEvent(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      cursor = BigInt(rows[rows.length - 1].revision);
      inclusive = false;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    assertCount('maxCount', remaining);
    const head = await this.headPositionNumber();
    let after = options.after === undefined ? 0n : decodePosition(options.after);
    while (remaining > 0 && after < head) {
      const page = await this.scan(
        after,
        head,
        Math.min(readPageSizeMax, remaining),
        options.filter,
      );
      for (const event of page.events) yield event;
      remaining -= page.events.length;
      after = page.scannedTo;
    }
  }

  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    const { signal } = options;
    const checkpointInterval = BigInt(options.checkpointInterval ?? checkpointIntervalDefault);
    if (checkpointInterval <= 0n)
      throw new InvalidAppendError('checkpointInterval', 'must be positive');
    // A filtered scan never looks further than one checkpoint interval, so a subscriber whose
    // filter matches nothing still reports progress at that rate.
    const scanWindow = minBigint(scanWindowPositions, checkpointInterval);
    let after = options.after === undefined ? 0n : decodePosition(options.after);
    let lastReported = after;
    let caughtUp = false;
    let woken: boolean;
    // Set by an append's notification while a scan runs, so the next sleep is skipped.
    const wake = () => {
      woken = true;
      notify?.();
    };
    let notify: (() => void) | undefined;
    this.wakeups.on('event', wake);
    signal.addEventListener('abort', wake);
    await this.acquireListener();
    try {
      let notified = false;
      let lastScanMs = Number.NEGATIVE_INFINITY;
      while (!signal.aborted) {
        if (caughtUp) {
          const waitMs = lastScanMs + this.liveScanIntervalMs - performance.now();
          if (waitMs > 0) await delay(waitMs, signal);
          if (signal.aborted) return;
        }
        lastScanMs = performance.now();
        woken = false;
        // Woken by an append's NOTIFY, its position is the head to read up to; after a poll's
        // timeout (or a listener that broke) the head is asked for.
        const head =
          notified && this.notifiedHead > after
            ? this.notifiedHead
            : await this.headPositionNumber();
        notified = false;
        while (after < head && !signal.aborted) {
          const page = await this.scan(after, head, readPageSizeMax, options.filter, scanWindow);
          for (const event of page.events) {
            if (signal.aborted) return;
            yield { kind: 'event', event };
            lastReported = decodePosition(event.position);
          }
          after = page.scannedTo;
          if (after - lastReported >= checkpointInterval) {
            yield { kind: 'checkpoint', position: encodePosition(after) };
            lastReported = after;
          }
        }
        if (signal.aborted) return;
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caughtUp', position: after === 0n ? undefined : encodePosition(after) };
        }
        notified = woken;
        if (!woken) notified = await this.sleep(signal, (resolve) => (notify = resolve));
        notify = undefined;
      }
    } finally {
      this.wakeups.off('event', wake);
      signal.removeEventListener('abort', wake);
      await this.releaseListener();
    }
  }

  /** The position of the last event, or undefined for an empty log. */
  async headPosition(): Promise<string | undefined> {
    const head = await this.headPositionNumber();
    return head === 0n ? undefined : encodePosition(head);
  }

  async ping(): Promise<void> {
    await this.query(undefined, 'SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already accepted are written before the pool goes away.
    for (
      let waitedMs = 0;
      (this.appendFlushes > 0 || this.appendQueue.length > 0) && waitedMs < closeDrainMsMax;
      waitedMs += 5
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.wakeups.emit('event');
    if (this.listener) {
      this.listener.release(true);
      this.listener = undefined;
    }
    // pool.end() waits for every checked-out client; a query stuck on a dead server must not
    // hold the process's shutdown hostage.
    await Promise.race([
      this.pool.end(),
      new Promise((resolve) => setTimeout(resolve, closeDrainMsMax).unref()),
    ]);
  }

  private async headPositionNumber(): Promise<bigint> {
    const { rows } = await this.query<{ position: string | null }>(
      'sunlight_head',
      'SELECT max(position) AS position FROM events',
      [],
    );
    return rows[0].position === null ? 0n : BigInt(rows[0].position);
  }

  /**
   * Reads the events in (after, min(after + window, head)] that match the filter, at most
   * `limit` of them. `scannedTo` says how far the log has been examined, so that filtered
   * readers can report progress through stretches with no match. Because appends are
   * serialised and positions gapless, everything at or below a committed head is visible.
   */
  private async scan(
    after: bigint,
    head: bigint,
    limit: number,
    filter: AllFilter | undefined,
    window: bigint = scanWindowPositions,
  ): Promise<{ events: RecordedEvent[]; scannedTo: bigint }> {
    const windowEnd = filter ? minBigint(after + window, head) : head;
    const column = filter?.on === 'eventType' ? 'type' : 'stream_name';
    const prefixes = filter ? filter.prefixes.filter((prefix) => prefix.length > 0) : [];
    // `^@` is starts_with as an operator, so `^@ ANY` tests the array in place; an EXISTS over
    // unnest() ran a subquery per row and took three times as long (1.7 against 0.6 s per
    // 1,000,000 rows scanned).
    const filterSql = filter ? `AND ${column} ^@ ANY ($4::text[])` : '';
    const params: unknown[] = [after.toString(), windowEnd.toString(), limit];
    if (filter) params.push(prefixes);
    // Prepared (one statement per filter column): live subscribers scan after every append, and
    // parsing and planning the text each time cost more than running it. Every plan of it walks
    // the primary key from $1, so the generic plan is the right one.
    const { rows } = await this.query<EventRow>(
      filter ? `sunlight_scan_${column}` : 'sunlight_scan',
      `SELECT ${eventColumns} FROM events
        WHERE position > $1 AND position <= $2 ${filterSql}
        ORDER BY position LIMIT $3`,
      params,
    );
    const events = rows.map(toRecordedEvent);
    const scannedTo = rows.length === limit ? BigInt(rows[rows.length - 1].position) : windowEnd;
    return { events, scannedTo };
  }

  /** Resolves true when woken (a NOTIFY, or the subscription ending), false after a poll interval. */
  private sleep(signal: AbortSignal, onNotify: (resolve: () => void) => void): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), this.pollIntervalMs);
      onNotify(() => {
        clearTimeout(timer);
        resolve(true);
      });
      if (signal.aborted) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  }

  /** One LISTEN connection serves every live subscriber of this store; the last one out closes it. */
  private async acquireListener(): Promise<void> {
    this.listenerUsers += 1;
    if (this.listener) return;
    this.listenerStarting ??= (async () => {
      let client: PoolClient | undefined;
      try {
        client = await this.pool.connect();
        const connected = client;
        connected.on('notification', (message) => {
          // The payload is the last position of a committed append: a known head, no query needed.
          if (message.payload !== undefined && /^\d{1,19}$/.test(message.payload)) {
            const position = BigInt(message.payload);
            if (position > this.notifiedHead) this.notifiedHead = position;
          }
          this.wakeups.emit('event');
        });
        connected.on('error', () => {
          // Polling still delivers; drop the broken listener so the next subscriber reconnects.
          if (this.listener === connected) {
            this.listener = undefined;
            connected.release(true);
          }
        });
        await connected.query(`LISTEN ${notifyChannel}`);
        this.listener = connected;
      } catch {
        // Without LISTEN the subscriber falls back to polling alone.
        client?.release(true);
      } finally {
        this.listenerStarting = undefined;
      }
    })();
    await this.listenerStarting;
  }

  private async releaseListener(): Promise<void> {
    this.listenerUsers -= 1;
    if (this.listenerUsers > 0 || !this.listener) return;
    const client = this.listener;
    this.listener = undefined;
    // Closing the connection ends its LISTEN too, and cannot hang on a connection that broke.
    client.release(true);
  }

  private async query<Row extends object>(
    name: string | undefined,
    text: string,
    values: unknown[],
  ): Promise<{ rows: Row[] }> {
    if (this.closed && name !== appendStatementName)
      throw new EventStoreUnavailableError('the event store is closed');
    try {
      return await this.pool.query<Row>({ name, text, values });
    } catch (error) {
      throw toUnavailable(error, 'event store query failed');
    }
  }
}

const appendStatementName = 'sunlight_append';
export const appendSql = 'SELECT * FROM sunlight_append($1, $2, $3, $4, $5, $6, $7, $8, $9)';

interface EncodedAppend {
  streamJson: string;
  typeJsons: string[];
}

interface PendingAppend extends EncodedAppend {
  append: ValidatedAppend;
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface AppendRow {
  item: number;
  result: 'ok' | 'duplicate' | 'wrong_version' | 'conflict';
  last_revision: string | null;
  last_position: string | null;
  actual_revision: string | null;
  /** When the append's events were recorded; null for a refused append. */
  recorded_at: Date | null;
}

/**
 * Data, metadata, stream and type travel as RFC 8785 text so that the database hashes exactly
 * the bytes a verifier will recompute. Done at enqueue time, outside the database's lock.
 */
function encodeAppend(append: ValidatedAppend): EncodedAppend {
  return {
    streamJson: JSON.stringify(append.streamName),
    typeJsons: append.events.map((event) => JSON.stringify(event.type)),
  };
}

/**
 * The parameters of one `sunlight_append` call carrying several appends, flattened. The
 * per-event arrays (ids, types, data and metadata texts) go in PostgreSQL's binary array form,
 * which the server takes as it comes: most of an append's bytes are its texts, and as text[]
 * literals the driver escaped every quote in them and the server unescaped them again, character
 * by character (migration 7 says what that cost).
 */
export function appendParameters(
  batch: readonly (EncodedAppend & { append: ValidatedAppend; expected: ExpectedRevision })[],
): unknown[] {
  const events = batch.flatMap((pending) => pending.append.events);
  return [
    batch.map((pending) => pending.append.streamName),
    batch.map((pending) => pending.streamJson),
    batch.map((pending) =>
      typeof pending.expected === 'bigint' ? pending.expected.toString() : pending.expected,
    ),
    `{${batch.map((pending) => pending.append.events.length).join(',')}}`,
    binaryUuidArray(events.map((event) => event.eventId)),
    binaryTextArray(events.map((event) => event.type)),
    binaryTextArray(batch.flatMap((pending) => pending.typeJsons)),
    binaryTextArray(
      events.map((event) => event.dataText),
      events.map((event) => event.dataBytes),
    ),
    binaryTextArray(
      events.map((event) => event.metadataText),
      events.map((event) => event.metadataBytes),
    ),
  ];
}

/** For tests and tools that call `sunlight_append` themselves, with one append or several. */
export function appendCallParameters(
  appends: readonly { append: ValidatedAppend; expected: ExpectedRevision }[],
): unknown[] {
  return appendParameters(
    appends.map(({ append, expected }) => ({ append, expected, ...encodeAppend(append) })),
  );
}

export function singleAppendParameters(
  append: ValidatedAppend,
  expected: ExpectedRevision,
): unknown[] {
  return appendCallParameters([{ append, expected }]);
}

function settleAppend(pending: PendingAppend, row: AppendRow): void {
  const { streamName } = pending.append;
  const actual: ActualRevision =
    row.actual_revision === null ? 'no_stream' : BigInt(row.actual_revision);
  switch (row.result) {
    case 'ok':
    case 'duplicate': {
      const nextExpectedRevision = BigInt(row.last_revision as string);
      const lastPosition = BigInt(row.last_position as string);
      // A repeat is answered with the earlier append's positions, and only its ids were
      // compared: this call's data need not be what was recorded then.
      const recorded =
        row.result === 'ok' && row.recorded_at !== null
          ? recordedEvents(pending.append, nextExpectedRevision, lastPosition, row.recorded_at)
          : undefined;
      pending.resolve({ nextExpectedRevision, position: encodePosition(lastPosition), recorded });
      return;
    }
    case 'wrong_version':
      pending.reject(new WrongExpectedVersionError(streamName, pending.expected, actual));
      return;
    case 'conflict':
      pending.reject(
        new WrongExpectedVersionError(
          streamName,
          pending.expected,
          actual,
          'some event ids of the batch were already appended, but not as this exact batch',
        ),
      );
      return;
  }
}

/** An append's events as a reader will see them: positions and revisions are gapless in a batch. */
function recordedEvents(
  append: ValidatedAppend,
  lastRevision: bigint,
  lastPosition: bigint,
  recordedAt: Date,
): RecordedEvent[] {
  const count = BigInt(append.events.length);
  return append.events.map((event, index) => ({
    streamName: append.streamName,
    revision: lastRevision - count + 1n + BigInt(index),
    position: encodePosition(lastPosition - count + 1n + BigInt(index)),
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt,
  }));
}

function noop(): void {}

/** Resolves after `ms`, or at once when the signal aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: encodePosition(row.position),
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

function toUnavailable(error: unknown, message: string): unknown {
  const code = (error as { code?: string }).code;
  if (code !== undefined && unavailableCodes.has(code)) {
    return new EventStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  }
  if ((error as Error).message?.includes('Connection terminated')) {
    return new EventStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  }
  return error;
}

function assertCount(field: string, count: number): void {
  if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0))) {
    throw new InvalidAppendError(field, 'must be a non-negative integer');
  }
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
