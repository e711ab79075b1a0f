import { validateAppend, type ValidatedAppend } from '../append-validation';
import {
  ClaimTakenError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type ActualRevision,
} from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventToAppend,
  ExpectedRevision,
} from '../event-store.port';
import { appendParameters, encodeAppend, recordedEvents, type EncodedAppend } from './event-rows';
import { claimTakenSqlState } from './migrations';
import { encodePosition } from './positions';

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
const closeDrainPollMs = 5;

/** One row of `sunlight_append`'s answer: the outcome of one append of the call. */
export interface AppendRow {
  item: number;
  result: 'ok' | 'duplicate' | 'wrong_version' | 'conflict';
  last_revision: string | null;
  last_position: string | null;
  actual_revision: string | null;
  /** When the append's events were recorded; null for a refused append. */
  recorded_at: Date | null;
}

interface PendingAppend extends EncodedAppend {
  append: ValidatedAppend;
  expected: ExpectedRevision;
  refuseRepeat: boolean;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Appends are queued and written by at most `appendFlushesConcurrentMax` calls of
 * `sunlight_append` at a time; whatever queued meanwhile travels together in the next call.
 * Concurrent callers thus share one lock acquisition and one commit, while each append keeps
 * its own expected-revision check and its own result.
 */
export class AppendQueue {
  private readonly queue: PendingAppend[] = [];
  private flushes = 0;
  private flushScheduled = false;
  private closed = false;
  /** Calls of `sunlight_append` made, and the appends they carried: how well appends share commits. */
  readonly calls = { calls: 0, appends: 0 };

  /** `call` runs `sunlight_append` with the given parameters and returns its rows. */
  constructor(private readonly call: (parameters: unknown[]) => Promise<AppendRow[]>) {}

  enqueue(
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
        refuseRepeat: options.refuseRepeat === true,
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
      this.queue.push(pending);
      if (!this.flushScheduled) this.flush();
    });
  }

  /** Refuses new appends and waits (boundedly) for the accepted ones to be written. */
  async close(): Promise<void> {
    this.closed = true;
    for (
      let waitedMs = 0;
      (this.flushes > 0 || this.queue.length > 0) && waitedMs < closeDrainMsMax;
      waitedMs += closeDrainPollMs
    ) {
      await new Promise((resolve) => setTimeout(resolve, closeDrainPollMs));
    }
  }

  private flush(): void {
    while (
      this.flushes < appendFlushesConcurrentMax &&
      this.queue.length > 0 &&
      (this.flushes === 0 || this.queuedEvents() >= appendPipelineEventsMin)
    ) {
      const batch = this.takeBatch();
      this.flushes += 1;
      void this.write(batch).finally(() => {
        this.flushes -= 1;
        // On the next turn of the event loop, not now: the callers this call just answered
        // append again from their promise continuations, and the next call should carry them.
        if (this.flushScheduled) return;
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      });
    }
  }

  /** The appends of the next call: in queue order, within the call's bounds. */
  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    let eventCount = 0;
    while (
      this.queue.length > 0 &&
      batch.length < appendCallAppendsMax &&
      (batch.length === 0 || eventCount + this.queue[0].append.events.length <= appendCallEventsMax)
    ) {
      const next = this.queue.shift() as PendingAppend;
      eventCount += next.append.events.length;
      batch.push(next);
    }
    return batch;
  }

  private queuedEvents(): number {
    let events = 0;
    for (const pending of this.queue) {
      events += pending.append.events.length;
      if (events >= appendPipelineEventsMin) break;
    }
    return events;
  }

  private async write(batch: PendingAppend[]): Promise<void> {
    let rows: AppendRow[];
    this.calls.calls += 1;
    this.calls.appends += batch.length;
    try {
      rows = await this.call(appendParameters(batch));
    } catch (error) {
      if (batch.length > 1 && !(error instanceof EventStoreUnavailableError)) {
        // One bad append must not fail the others that happened to share its call; nor one that
        // repeats event ids, which the unique index refuses on the set-based path (migration 7):
        // alone, each is decided by the one-by-one rules.
        await Promise.all(batch.map((pending) => this.write([pending])));
        return;
      }
      for (const pending of batch) pending.reject(claimTakenOf(error) ?? error);
      return;
    }
    for (const row of rows) settleAppend(batch[row.item - 1], row);
  }
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
      if (row.result === 'duplicate' && pending.refuseRepeat) {
        pending.reject(
          new WrongExpectedVersionError(
            streamName,
            pending.expected,
            actual,
            'an identical append was already written (a repeat, refused as asked)',
          ),
        );
        return;
      }
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

/** The claims trigger's refusal (migration 9) as the port's error; anything else as it is. */
function claimTakenOf(error: unknown): ClaimTakenError | undefined {
  const { code, message, detail } = error as {
    code?: unknown;
    message?: unknown;
    detail?: unknown;
  };
  if (code !== claimTakenSqlState) return undefined;
  return new ClaimTakenError(String(message), String(detail));
}

function noop(): void {}
