import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import { InvalidAppendError } from '../errors';
import type {
  AllFilter,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port';
import { eventColumns, toRecordedEvent, type EventRow } from './event-rows';
import { decodePosition, encodePosition } from './positions';
import type { StoreQuery } from './unavailable';

/** Rows fetched per query while reading; bounds memory per reader. */
export const readPageSizeMax = 500;
/** Positions scanned per query by a filtered reader, so a sparse filter never scans the world at once. */
export const scanWindowPositions = 5_000n;
export const checkpointIntervalDefault = 1_000;
/**
 * Every committed append notifies every live subscriber, and each of them then scans the log: a
 * query apiece per commit. Under a steady stream of commands the processors and projections of
 * an instance thus ran more queries than the commands did. Scanning at most every 20 ms bounds
 * that at 50 a second per subscriber, whatever the write rate, and costs a quiet log nothing: a
 * notification after a pause is scanned at once. Projections batch for 20 ms anyway.
 */
export const liveScanIntervalMsDefault = 20;
export const pollIntervalMsDefault = 1_000;
const notifyChannel = 'sunlight_events';

export interface LogSubscriptionTiming {
  /** How often a live subscriber polls when no notification arrives. */
  pollIntervalMs: number;
  /** The least time between two scans of one live subscriber. */
  liveScanIntervalMs: number;
}

/** Where one reader stands: how far it has scanned, and the last position it reported. */
interface Cursor {
  after: bigint;
  lastReported: bigint;
}

/**
 * Reading the whole log: `readAll` and the live `subscribeToAll`. Because appends are
 * serialised and positions gapless, every event at or below a committed head is visible, so a
 * reader only ever scans `(after, head]`. One LISTEN connection per store wakes every live
 * subscriber when an append commits; polling covers a lost or broken listener.
 */
export class LogSubscriptions {
  private readonly wakeups = new EventEmitter();
  private listener: PoolClient | undefined;
  private listenerStarting: Promise<void> | undefined;
  private listenerUsers = 0;
  /** The highest position a NOTIFY announced; every event at or below it is committed. */
  private notifiedHead = 0n;

  constructor(
    private readonly pool: Pool,
    private readonly query: StoreQuery,
    private readonly timing: LogSubscriptionTiming,
  ) {
    this.wakeups.setMaxListeners(0);
  }

  /** The position of the last event, 0 for an empty log. */
  async headPosition(): Promise<bigint> {
    const { rows } = await this.query<{ position: string | null }>(
      'sunlight_head',
      'SELECT max(position) AS position FROM events',
      [],
    );
    return rows[0].position === null ? 0n : BigInt(rows[0].position);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    assertCount('maxCount', remaining);
    const head = await this.headPosition();
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

  async *subscribe(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    const { signal } = options;
    const checkpointInterval = BigInt(options.checkpointInterval ?? checkpointIntervalDefault);
    if (checkpointInterval <= 0n)
      throw new InvalidAppendError('checkpointInterval', 'must be positive');
    const after = options.after === undefined ? 0n : decodePosition(options.after);
    const cursor: Cursor = { after, lastReported: after };
    const wakeup = new Wakeup(this.wakeups, signal, this.timing.pollIntervalMs);
    await this.acquireListener();
    try {
      let caughtUp = false;
      let notified = false;
      let lastScanMs = Number.NEGATIVE_INFINITY;
      while (!signal.aborted) {
        if (caughtUp) {
          const waitMs = lastScanMs + this.timing.liveScanIntervalMs - performance.now();
          if (waitMs > 0) await delay(waitMs, signal);
          if (signal.aborted) return;
        }
        lastScanMs = performance.now();
        wakeup.woken = false;
        // Woken by an append's NOTIFY, its position is the head to read up to; after a poll's
        // timeout (or a listener that broke) the head is asked for.
        const head =
          notified && this.notifiedHead > cursor.after
            ? this.notifiedHead
            : await this.headPosition();
        yield* this.deliver(cursor, head, options.filter, checkpointInterval, signal);
        if (signal.aborted) return;
        if (!caughtUp) {
          caughtUp = true;
          const position = cursor.after === 0n ? undefined : encodePosition(cursor.after);
          yield { kind: 'caughtUp', position };
        }
        // A notification that arrived while scanning skips the sleep.
        notified = wakeup.woken || (await wakeup.sleep());
      }
    } finally {
      wakeup.dispose();
      await this.releaseListener();
    }
  }

  /** Wakes every live subscriber (to notice that the store closed) and drops the listener. */
  close(): void {
    this.wakeups.emit('event');
    if (this.listener) {
      this.listener.release(true);
      this.listener = undefined;
    }
  }

  /**
   * Yields the events in `(cursor.after, head]`, and a checkpoint whenever a filtered scan has
   * passed `checkpointInterval` positions since the last thing it reported.
   */
  private async *deliver(
    cursor: Cursor,
    head: bigint,
    filter: AllFilter | undefined,
    checkpointInterval: bigint,
    signal: AbortSignal,
  ): AsyncIterable<SubscriptionMessage> {
    // A filtered scan never looks further than one checkpoint interval, so a subscriber whose
    // filter matches nothing still reports progress at that rate.
    const scanWindow = minBigint(scanWindowPositions, checkpointInterval);
    while (cursor.after < head && !signal.aborted) {
      const page = await this.scan(cursor.after, head, readPageSizeMax, filter, scanWindow);
      for (const event of page.events) {
        if (signal.aborted) return;
        yield { kind: 'event', event };
        cursor.lastReported = decodePosition(event.position);
      }
      cursor.after = page.scannedTo;
      if (cursor.after - cursor.lastReported >= checkpointInterval) {
        yield { kind: 'checkpoint', position: encodePosition(cursor.after) };
        cursor.lastReported = cursor.after;
      }
    }
  }

  /**
   * Reads the events in (after, min(after + window, head)] that match the filter, at most
   * `limit` of them. `scannedTo` says how far the log has been examined, so that filtered
   * readers can report progress through stretches with no match.
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

  /** One LISTEN connection serves every live subscriber of this store; the last one out closes it. */
  private async acquireListener(): Promise<void> {
    this.listenerUsers += 1;
    if (this.listener) return;
    this.listenerStarting ??= this.startListener().finally(() => {
      this.listenerStarting = undefined;
    });
    await this.listenerStarting;
  }

  private async startListener(): Promise<void> {
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
    }
  }

  private async releaseListener(): Promise<void> {
    this.listenerUsers -= 1;
    if (this.listenerUsers > 0 || !this.listener) return;
    const client = this.listener;
    this.listener = undefined;
    // Closing the connection ends its LISTEN too, and cannot hang on a connection that broke.
    client.release(true);
  }
}

/**
 * What wakes one live subscriber from its sleep between scans: an append's notification, or the
 * end of its subscription. `woken` records a notification that came while it was scanning.
 */
class Wakeup {
  woken = false;
  private notify: (() => void) | undefined;
  private readonly wake = () => {
    this.woken = true;
    this.notify?.();
  };

  constructor(
    private readonly wakeups: EventEmitter,
    private readonly signal: AbortSignal,
    private readonly pollIntervalMs: number,
  ) {
    wakeups.on('event', this.wake);
    signal.addEventListener('abort', this.wake);
  }

  /** Resolves true when woken (a NOTIFY, or the subscription ending), false after a poll interval. */
  async sleep(): Promise<boolean> {
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.pollIntervalMs);
        this.notify = () => {
          clearTimeout(timer);
          resolve(true);
        };
        if (this.signal.aborted) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    } finally {
      this.notify = undefined;
    }
  }

  dispose(): void {
    this.wakeups.off('event', this.wake);
    this.signal.removeEventListener('abort', this.wake);
  }
}

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

export function assertCount(field: string, count: number): void {
  if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0))) {
    throw new InvalidAppendError(field, 'must be a non-negative integer');
  }
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
