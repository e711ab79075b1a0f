import type { EventStore, GlobalPosition } from '@sunlight/event-store';
import type { Projection } from './projection';
import type { BatchSettings } from './projection-pass';
import type { ReadStore } from './read-store.port';

export interface ProjectionRunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProjectionProgress {
  projection: string;
  version: number;
  /** The committed checkpoint. */
  position: GlobalPosition | undefined;
  /** Events applied since this runner started (or since the rebuild began). */
  eventsApplied: number;
}

export interface ProjectionCommit {
  projection: string;
  version: number;
  /** The checkpoint before this batch (undefined at the start of the log). */
  previousPosition: GlobalPosition | undefined;
  position: GlobalPosition;
  /** `collection/id` of every document the batch changed. */
  changedKeys: readonly string[];
}

export interface ProjectionRunnerOptions {
  store: EventStore;
  readStore: ReadStore;
  projection: Projection;
  /** Events per batch (one getMany, one commit); default 500. */
  batchSizeMax?: number;
  /** How long a batch waits for more events once it has one; default 20 ms. */
  batchWaitMs?: number;
  /** Positions a filtered subscription may scan without a match before reporting progress; default 5,000. */
  checkpointInterval?: number;
  /** The log's last position, for lag; the PostgreSQL event store's `headPosition`. */
  headPosition?: () => Promise<GlobalPosition | undefined>;
  /**
   * Documents kept in memory between batches (the most recently used), so the ones every event
   * touches (a province's dashboard) are not read back from the store each batch; default 1,000.
   */
  documentCacheMax?: number;
  /**
   * Until the subscription first catches up with the log (a rebuild, a new version, a restart far
   * behind), batches are larger and wait longer, so a document touched by many events is written
   * once per batch rather than once per few hundred events; defaults 10,000 events, 1 s.
   */
  catchUpBatchSizeMax?: number;
  catchUpBatchWaitMs?: number;
  /** The document cache while catching up; default 50,000. */
  catchUpDocumentCacheMax?: number;
  /** After every committed batch. */
  onProgress?: (progress: ProjectionProgress) => void;
  /**
   * After every committed batch, before `onChange`: which documents it changed, so a reader can
   * tell whether an answer it computed from some of them still stands without reading them.
   */
  onCommitted?: (commit: ProjectionCommit) => void;
  /**
   * After anything `snapshot()` reports changed: a committed batch, a new state, a failure. A
   * runner in a worker thread sends its snapshot to the thread that serves HTTP from here.
   */
  onChange?: () => void;
  logger?: ProjectionRunnerLogger;
  /** Bounds of the back-off between attempts after a failure in live mode; default 100 ms to 5 s. */
  retryDelayMsMin?: number;
  retryDelayMsMax?: number;
}

/**
 * `retrying`: a failure is being retried from the checkpoint; `stalled`: the same has failed
 * `stalledFailuresMin` times in a row, so the read model no longer moves (an event it cannot
 * apply, a read store that refuses to write); `followed`: another instance keeps it, and this
 * one only reads its checkpoint.
 */
export type ProjectionRunnerState =
  | 'idle'
  | 'catchingUp'
  | 'live'
  | 'retrying'
  | 'stalled'
  | 'rebuilding'
  | 'retired'
  | 'stopped'
  | 'followed';

/** Consecutive failed attempts after which a retrying projection is reported stalled. */
export const stalledFailuresMin = 3;

export interface ProjectionStatus {
  projection: string;
  version: number;
  state: ProjectionRunnerState;
  /** The committed checkpoint: every event at or below it is in the documents. */
  position: GlobalPosition | undefined;
  headPosition?: GlobalPosition;
  /** head − position, when positions are numbers (PostgreSQL); undefined otherwise. */
  lagEvents?: number;
  /** Age of the last applied event while behind; 0 when caught up. */
  lagMs?: number;
  eventsApplied: number;
  lastError?: string;
  /** While retrying or stalled: the position of the event it could not apply, when one is to blame. */
  failedPosition?: GlobalPosition;
  /** Failed attempts in a row since the last committed batch. */
  failures?: number;
}

/**
 * What a runner knows about itself, as plain data: enough to answer `status()` given the log's
 * head, so a runner in another thread can be reported without asking it.
 */
export interface ProjectionRunnerSnapshot {
  projection: string;
  version: number;
  state: ProjectionRunnerState;
  position: GlobalPosition | undefined;
  eventsApplied: number;
  /** Events received and not yet committed. */
  pendingEvents: number;
  /** `recordedAt` of the last applied event, in milliseconds since the epoch. */
  lastRecordedAtMs: number | undefined;
  lastError: string | undefined;
  failures: number;
  failedPosition: GlobalPosition | undefined;
}

/** A runner's status from its snapshot and the log's head (undefined when the head is unknown). */
export function statusOfSnapshot(
  snapshot: ProjectionRunnerSnapshot,
  head: GlobalPosition | undefined,
  nowMs: number = Date.now(),
): ProjectionStatus {
  const lagEvents = numericDistance(head, snapshot.position);
  const caughtUp =
    lagEvents === 0 ||
    (lagEvents === undefined && snapshot.state === 'live' && snapshot.pendingEvents === 0);
  const lagMs = caughtUp
    ? 0
    : snapshot.lastRecordedAtMs === undefined
      ? undefined
      : Math.max(0, nowMs - snapshot.lastRecordedAtMs);
  const stalled = snapshot.state === 'retrying' && snapshot.failures >= stalledFailuresMin;
  return {
    projection: snapshot.projection,
    version: snapshot.version,
    state: stalled ? 'stalled' : snapshot.state,
    position: snapshot.position,
    ...(head === undefined ? {} : { headPosition: head }),
    ...(lagEvents === undefined ? {} : { lagEvents }),
    ...(lagMs === undefined ? {} : { lagMs }),
    eventsApplied: snapshot.eventsApplied,
    ...(snapshot.lastError === undefined ? {} : { lastError: snapshot.lastError }),
    ...(snapshot.failures === 0 ? {} : { failures: snapshot.failures }),
    ...(snapshot.failedPosition === undefined ? {} : { failedPosition: snapshot.failedPosition }),
  };
}

/** head − position for positions that are decimal numbers; undefined for opaque ones. */
export function numericDistance(
  head: GlobalPosition | undefined,
  position: GlobalPosition | undefined,
): number | undefined {
  if (head === undefined) return position === undefined ? 0 : undefined;
  if (!/^\d+$/.test(head) || (position !== undefined && !/^\d+$/.test(position))) return undefined;
  const distance = BigInt(head) - BigInt(position ?? '0');
  return distance > 0n ? Number(distance) : 0;
}

export interface RebuildOptions {
  onProgress?: (eventsApplied: number, headPosition: GlobalPosition | undefined) => void;
}

export const batchSizeMaxLimit = 50_000;
const batchSizeMaxDefault = 500;
const batchWaitMsDefault = 20;
const catchUpBatchSizeMaxDefault = 10_000;
const catchUpBatchWaitMsDefault = 1_000;
const catchUpDocumentCacheMaxDefault = 50_000;
const batchWaitMsLimit = 10_000;
const checkpointIntervalDefault = 5_000;
export const retryDelayMsMinDefault = 100;
export const retryDelayMsMaxDefault = 5_000;
const documentCacheMaxDefault = 1_000;
/** The batch settings of both phases, from the options and their defaults; throws on a bad one. */
export function resolveBatchSettings(options: ProjectionRunnerOptions): {
  live: BatchSettings;
  catchUp: BatchSettings;
  checkpointInterval: number;
} {
  const live: BatchSettings = {
    batchSizeMax: options.batchSizeMax ?? batchSizeMaxDefault,
    batchWaitMs: options.batchWaitMs ?? batchWaitMsDefault,
    documentCacheMax: options.documentCacheMax ?? documentCacheMaxDefault,
  };
  // Never smaller than the live settings, so a test that asks for tiny batches gets them throughout.
  const catchUp: BatchSettings = {
    batchSizeMax:
      options.catchUpBatchSizeMax ??
      Math.max(live.batchSizeMax, Math.min(catchUpBatchSizeMaxDefault, live.batchSizeMax * 20)),
    batchWaitMs:
      options.catchUpBatchWaitMs ?? Math.max(live.batchWaitMs, catchUpBatchWaitMsDefault),
    documentCacheMax:
      options.catchUpDocumentCacheMax ??
      Math.max(live.documentCacheMax, catchUpDocumentCacheMaxDefault),
  };
  for (const [name, value] of [
    ['batchSizeMax', live.batchSizeMax],
    ['catchUpBatchSizeMax', catchUp.batchSizeMax],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1 && value <= batchSizeMaxLimit))
      throw new Error(`${name} must be an integer from 1 to ${batchSizeMaxLimit}`);
  }
  for (const [name, value] of [
    ['batchWaitMs', live.batchWaitMs],
    ['catchUpBatchWaitMs', catchUp.batchWaitMs],
  ] as const) {
    if (!(value >= 0 && value <= batchWaitMsLimit))
      throw new Error(`${name} must be from 0 to ${batchWaitMsLimit}`);
  }
  return {
    live,
    catchUp,
    checkpointInterval: options.checkpointInterval ?? checkpointIntervalDefault,
  };
}
