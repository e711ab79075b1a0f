import { LRUCache } from 'lru-cache';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  SubscriptionMessage,
} from '@sunlight/event-store';
import { BoundedChannel } from './bounded-channel';
import { ProjectionVersionActiveError, ProjectionVersionRetiredError } from './errors';
import type { Projection } from './projection';
import {
  getManyKeysMax,
  keyOf,
  type DocumentKey,
  type ReadDocument,
  type ReadStore,
} from './read-store.port';
import { applyEvents, uniqueKeys } from './recompute';

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
  logger?: ProjectionRunnerLogger;
  /** Bounds of the back-off between attempts after a failure in live mode; default 100 ms to 5 s. */
  retryDelayMsMin?: number;
  retryDelayMsMax?: number;
}

export type ProjectionRunnerState =
  'idle' | 'catchingUp' | 'live' | 'retrying' | 'rebuilding' | 'retired' | 'stopped';

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
const retryDelayMsMinDefault = 100;
const retryDelayMsMaxDefault = 5_000;
const documentCacheMaxDefault = 1_000;
/** Document ids a run from the start of the log remembers having written (about 50 MB). */
const writtenIdsMax = 1_000_000;
/** How often a rebuild asks for the log head to report progress against. */
const headRefreshMs = 1_000;

const silentLogger: ProjectionRunnerLogger = { info: () => undefined, error: () => undefined };

/**
 * Runs one projection: reads the log from the projection version's checkpoint, gathers events
 * into batches (at most `batchSizeMax` events, or what arrived within `batchWaitMs` of the
 * first), loads the documents they touch with one `getMany`, applies the events in order
 * (skipping an event a document already contains), and commits the changed documents with the
 * new checkpoint. A filtered subscription's checkpoints commit as batches without documents, so
 * a projection whose events are rare still advances.
 *
 * `start()` runs live until `stop()`. When the projection's version is not the active one yet
 * (a first deployment, or a new version beside the old), it fills that version while the
 * active one keeps serving, and activates it on catching up. `rebuild()` does the same from an
 * emptied version, and returns once it is active. A failure in live mode is logged and retried
 * from the last checkpoint with back-off; a retired version (a newer one was activated) stops.
 */
export class ProjectionRunner {
  private readonly projection: Projection;
  private readonly batchSizeMax: number;
  private readonly batchWaitMs: number;
  private readonly checkpointInterval: number;
  private readonly documentCacheMax: number;
  private readonly catchUpBatchSizeMax: number;
  private readonly catchUpBatchWaitMs: number;
  private readonly catchUpDocumentCacheMax: number;
  private readonly logger: ProjectionRunnerLogger;
  private state: ProjectionRunnerState = 'idle';
  private position: GlobalPosition | undefined;
  private eventsApplied = 0;
  private pendingEvents = 0;
  private lastRecordedAt: Date | undefined;
  private lastError: unknown;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private caughtUpWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.projection = options.projection;
    this.batchSizeMax = options.batchSizeMax ?? batchSizeMaxDefault;
    this.batchWaitMs = options.batchWaitMs ?? batchWaitMsDefault;
    this.checkpointInterval = options.checkpointInterval ?? checkpointIntervalDefault;
    this.documentCacheMax = options.documentCacheMax ?? documentCacheMaxDefault;
    // Never smaller than the live settings, so a test that asks for tiny batches gets them throughout.
    this.catchUpBatchSizeMax =
      options.catchUpBatchSizeMax ??
      Math.max(this.batchSizeMax, Math.min(catchUpBatchSizeMaxDefault, this.batchSizeMax * 20));
    this.catchUpBatchWaitMs =
      options.catchUpBatchWaitMs ?? Math.max(this.batchWaitMs, catchUpBatchWaitMsDefault);
    this.catchUpDocumentCacheMax =
      options.catchUpDocumentCacheMax ??
      Math.max(this.documentCacheMax, catchUpDocumentCacheMaxDefault);
    this.logger = options.logger ?? silentLogger;
    for (const [name, value] of [
      ['batchSizeMax', this.batchSizeMax],
      ['catchUpBatchSizeMax', this.catchUpBatchSizeMax],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 1 && value <= batchSizeMaxLimit))
        throw new Error(`${name} must be an integer from 1 to ${batchSizeMaxLimit}`);
    }
    for (const [name, value] of [
      ['batchWaitMs', this.batchWaitMs],
      ['catchUpBatchWaitMs', this.catchUpBatchWaitMs],
    ] as const) {
      if (!(value >= 0 && value <= batchWaitMsLimit))
        throw new Error(`${name} must be from 0 to ${batchWaitMsLimit}`);
    }
  }

  /**
   * Starts the live loop and returns once it runs. Rejects with `ProjectionVersionRetiredError`
   * when a newer version of the projection is already active.
   */
  async start(): Promise<void> {
    const controller = this.claim();
    const { name, version } = this.projection;
    let active: number | undefined;
    try {
      active = await this.options.readStore.activeVersion(name);
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(name, version, active);
    } catch (error) {
      this.controller = undefined;
      throw error;
    }
    this.eventsApplied = 0;
    this.lastError = undefined;
    this.state = 'catchingUp';
    this.logger.info('projection starting', { projection: name, version, activeVersion: active });
    this.running = this.runLive(controller.signal, active !== version);
  }

  /** Stops reading; a batch being committed finishes first. Resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
    this.controller = undefined;
    if (this.state !== 'retired') this.state = 'stopped';
    this.settleCaughtUp(new Error(`projection ${this.projection.name} stopped before catching up`));
  }

  /** Resolves when the live runner first catches up with the log (and has activated its version). */
  whenCaughtUp(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.state === 'stopped' || this.state === 'retired') {
      return Promise.reject(
        this.lastError ?? new Error(`projection ${this.projection.name} is ${this.state}`),
      );
    }
    return new Promise((resolve, reject) => this.caughtUpWaiters.push({ resolve, reject }));
  }

  /**
   * Rebuilds `projection.version` from the start of the log beside the active version, then
   * activates it (which drops the older versions). The version must be newer than the active
   * one: a projection whose meaning changed gets a new version.
   */
  async rebuild(options: RebuildOptions = {}): Promise<{ events: number; ms: number }> {
    const controller = this.claim();
    const { name, version } = this.projection;
    const startedMs = performance.now();
    let active: number | undefined;
    try {
      active = await this.options.readStore.activeVersion(name);
      if (active === version)
        throw new ProjectionVersionActiveError(
          name,
          version,
          'rebuild it in place; give the projection a new version',
        );
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(name, version, active);
      await this.options.readStore.dropVersion(name, version);
    } catch (error) {
      this.controller = undefined;
      throw error;
    }
    this.eventsApplied = 0;
    this.lastError = undefined;
    this.state = 'rebuilding';
    this.logger.info('projection rebuild starting', {
      projection: name,
      version,
      activeVersion: active,
    });
    let head = await this.options.headPosition?.();
    let headReadMs = performance.now();
    const report = () => {
      if (!options.onProgress) return;
      if (this.options.headPosition && performance.now() - headReadMs >= headRefreshMs) {
        headReadMs = performance.now();
        void this.options.headPosition().then(
          (latest) => (head = latest),
          () => undefined,
        );
      }
      options.onProgress(this.eventsApplied, head);
    };
    const work = (async () => {
      const finished = await this.consume(controller.signal, true, report);
      if (!finished) throw new Error(`rebuild of ${name} version ${version} was stopped`);
      await this.options.readStore.activateVersion(name, version);
    })();
    this.running = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      await work;
    } catch (error) {
      this.lastError = error;
      throw error;
    } finally {
      this.running = undefined;
      this.controller = undefined;
      this.state = 'idle';
    }
    this.logger.info('projection rebuilt and activated', {
      projection: name,
      version,
      events: this.eventsApplied,
    });
    return { events: this.eventsApplied, ms: performance.now() - startedMs };
  }

  /**
   * Where the live runner stands, without I/O: its version and committed checkpoint while it is
   * live (its version then is the active one, unless a rebuild elsewhere has just retired it),
   * undefined in every other state.
   */
  livePosition(): { version: number; position: GlobalPosition | undefined } | undefined {
    return this.state === 'live'
      ? { version: this.projection.version, position: this.position }
      : undefined;
  }

  async status(): Promise<ProjectionStatus> {
    let head: GlobalPosition | undefined;
    try {
      head = await this.options.headPosition?.();
    } catch {
      head = undefined;
    }
    const lagEvents = numericDistance(head, this.position);
    const caughtUp =
      lagEvents === 0 ||
      (lagEvents === undefined && this.state === 'live' && this.pendingEvents === 0);
    const lagMs = caughtUp
      ? 0
      : this.lastRecordedAt === undefined
        ? undefined
        : Math.max(0, Date.now() - this.lastRecordedAt.getTime());
    return {
      projection: this.projection.name,
      version: this.projection.version,
      state: this.state,
      position: this.position,
      ...(head === undefined ? {} : { headPosition: head }),
      ...(lagEvents === undefined ? {} : { lagEvents }),
      ...(lagMs === undefined ? {} : { lagMs }),
      eventsApplied: this.eventsApplied,
      ...(this.lastError === undefined ? {} : { lastError: errorMessage(this.lastError) }),
    };
  }

  /** Marks the runner busy before its first await, so two calls cannot both start it. */
  private claim(): AbortController {
    if (this.controller && !this.controller.signal.aborted)
      throw new Error(`projection ${this.projection.name} is already running`);
    this.controller = new AbortController();
    return this.controller;
  }

  private async runLive(signal: AbortSignal, activateWhenCaughtUp: boolean): Promise<void> {
    const { name, version } = this.projection;
    const retryDelayMsMin = this.options.retryDelayMsMin ?? retryDelayMsMinDefault;
    const retryDelayMsMax = this.options.retryDelayMsMax ?? retryDelayMsMaxDefault;
    let failures = 0;
    let activate = activateWhenCaughtUp;
    while (!signal.aborted) {
      try {
        this.state = 'catchingUp';
        await this.consume(
          signal,
          false,
          () => {
            failures = 0;
            this.reportLive();
          },
          async () => {
            if (activate) {
              await this.options.readStore.activateVersion(name, version);
              activate = false;
              this.logger.info('projection version activated', { projection: name, version });
            }
            this.state = 'live';
            this.settleCaughtUp();
          },
        );
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.lastError = error;
        if (error instanceof ProjectionVersionRetiredError) {
          this.state = 'retired';
          this.logger.error('projection version retired; stopping', {
            projection: name,
            version,
            error: errorMessage(error),
          });
          this.settleCaughtUp(error);
          return;
        }
        failures += 1;
        const delayMs = Math.min(
          retryDelayMsMax,
          retryDelayMsMin * 2 ** Math.min(failures - 1, 16),
        );
        this.state = 'retrying';
        this.logger.error('projection failed; retrying from its checkpoint', {
          projection: name,
          version,
          failures,
          delayMs,
          error: errorMessage(error),
        });
        await sleep(delayMs, signal);
      }
    }
  }

  private reportLive(): void {
    this.options.onProgress?.({
      projection: this.projection.name,
      version: this.projection.version,
      position: this.position,
      eventsApplied: this.eventsApplied,
    });
  }

  /**
   * One subscription from the version's checkpoint. Returns true after the first `caughtUp`
   * when `untilCaughtUp`, false when the signal ended it; throws what failed.
   */
  private async consume(
    signal: AbortSignal,
    untilCaughtUp: boolean,
    onCommitted: () => void,
    onCaughtUp?: () => Promise<void>,
  ): Promise<boolean> {
    const { name, version } = this.projection;
    const checkpoint = await this.options.readStore.checkpoint(name, version);
    this.position = checkpoint.position;
    this.pendingEvents = 0;
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    signal.addEventListener('abort', abortAttempt);
    // Read-ahead: the next page is fetched while this batch is being committed.
    const channel = new BoundedChannel<SubscriptionMessage>(this.catchUpBatchSizeMax * 2);
    const pump = (async () => {
      try {
        const messages = this.options.store.subscribeToAll({
          after: checkpoint.position,
          filter: this.projection.filter,
          checkpointInterval: this.checkpointInterval,
          signal: attempt.signal,
        });
        for await (const message of messages) {
          if (!(await channel.push(message))) break;
        }
        channel.end();
      } catch (error) {
        channel.end(attempt.signal.aborted ? undefined : { error });
      }
    })();

    // One batch may be committing while the next is applied. Its documents stay readable here
    // until it has committed, and documents evicted from the cache are re-read from the store
    // only once nothing newer of theirs can still be in flight.
    // Large batches until the first `caughtUp`, then the live settings.
    let batchSizeMax = this.catchUpBatchSizeMax;
    let batchWaitMs = this.catchUpBatchWaitMs;
    const cache = new DocumentCache(this.catchUpDocumentCacheMax);
    // Consuming from the start of the log (a new or emptied version), a document this run has not
    // written yet has no events in it, so it need not be read: a rebuild then reads back only
    // documents evicted from the cache. (A stray document of an earlier, interrupted attempt is
    // rebuilt from the same events and overwritten.) Past `writtenIdsMax` ids it reads as usual.
    let writtenIds = checkpoint.position === undefined ? new Set<string>() : undefined;
    let inFlight: { done: Promise<void>; documents: Map<string, ReadDocument> } | undefined;
    let commitFailure: { error: unknown } | undefined;
    const settleInFlight = async () => {
      if (inFlight) await inFlight.done;
      inFlight = undefined;
      if (commitFailure) throw commitFailure.error;
    };

    let batch: RecordedEvent[] = [];
    let batchStartedMs = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      const touched = events.map((event) => ({
        event,
        keys: uniqueKeys(this.projection.keysOf(event)),
      }));
      const documents = new Map<string, ReadDocument>();
      const missing = new Map<string, DocumentKey>();
      for (const { keys } of touched) {
        for (const key of keys) {
          const id = keyOf(key);
          if (documents.has(id) || missing.has(id)) continue;
          const known = inFlight?.documents.get(id) ?? cache.get(id);
          if (known !== undefined) documents.set(id, known);
          else if (writtenIds === undefined || writtenIds.has(id)) missing.set(id, key);
        }
      }
      const missingKeys = [...missing.values()];
      for (let start = 0; start < missingKeys.length; start += getManyKeysMax) {
        for (const [id, document] of await this.options.readStore.getMany(
          name,
          version,
          missingKeys.slice(start, start + getManyKeysMax),
        )) {
          documents.set(id, document);
          cache.set(id, document);
        }
      }
      const changed = applyEvents(this.projection, documents, touched);
      const changedDocuments = new Map<string, ReadDocument>();
      for (const id of changed.keys()) changedDocuments.set(id, documents.get(id) as ReadDocument);
      if (writtenIds !== undefined) {
        for (const id of changed.keys()) writtenIds.add(id);
        if (writtenIds.size > writtenIdsMax) writtenIds = undefined;
      }
      const last = events[events.length - 1] as RecordedEvent;
      await settleInFlight();
      const write = this.options.readStore.commitBatch({
        projection: name,
        version,
        documents: [...changed].map(([id, key]) => ({
          collection: key.collection,
          document: changedDocuments.get(id) as ReadDocument,
        })),
        position: last.position,
      });
      inFlight = {
        documents: changedDocuments,
        done: write.then(
          () => {
            this.position = last.position;
            this.eventsApplied += events.length;
            this.pendingEvents = Math.max(0, this.pendingEvents - events.length);
            this.lastRecordedAt = last.recordedAt;
            onCommitted();
          },
          (error: unknown) => {
            commitFailure = { error };
            // Wakes the loop at once, even when it is waiting for events that may never come.
            channel.end({ error });
          },
        ),
      };
      for (const [id, document] of changedDocuments) cache.set(id, document);
    };
    const commitPosition = async (position: GlobalPosition | undefined) => {
      await settleInFlight();
      if (position === undefined || (this.position !== undefined && position <= this.position))
        return;
      await this.options.readStore.commitBatch({
        projection: name,
        version,
        documents: [],
        position,
      });
      this.position = position;
      onCommitted();
    };
    try {
      for (;;) {
        const waitMs = batch.length === 0 ? undefined : batchStartedMs + batchWaitMs - Date.now();
        if (waitMs !== undefined && waitMs <= 0) {
          await flush();
          continue;
        }
        const taken = await channel.take(waitMs);
        if (taken.kind === 'timeout') {
          await flush();
          continue;
        }
        if (taken.kind === 'end') {
          await settleInFlight();
          return false;
        }
        const message = taken.item;
        if (message.kind === 'event') {
          if (batch.length === 0) batchStartedMs = Date.now();
          batch.push(message.event);
          this.pendingEvents += 1;
          if (batch.length >= batchSizeMax) await flush();
        } else if (message.kind === 'checkpoint') {
          await flush();
          await commitPosition(message.position);
        } else {
          await flush();
          await commitPosition(message.position);
          batchSizeMax = this.batchSizeMax;
          batchWaitMs = this.batchWaitMs;
          cache.resize(this.documentCacheMax);
          await onCaughtUp?.();
          if (untilCaughtUp) return true;
        }
      }
    } finally {
      signal.removeEventListener('abort', abortAttempt);
      attempt.abort();
      channel.end();
      await pump;
      await inFlight?.done;
      this.pendingEvents = 0;
    }
  }

  private settleCaughtUp(error?: unknown): void {
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The most recently used documents, bounded by count. (A `Map` re-inserted on every read and
 * trimmed from its front was tried: V8 leaves deleted entries at the front until it rehashes, so
 * each eviction scanned past all the earlier ones; it took 4 % of a rebuild.)
 */
class DocumentCache {
  private documents: LRUCache<string, ReadDocument> | undefined;

  constructor(sizeMax: number) {
    this.documents = sizeMax > 0 ? new LRUCache({ max: sizeMax }) : undefined;
  }

  /** Keeps the `sizeMax` most recently used documents. */
  resize(sizeMax: number): void {
    const previous = this.documents;
    this.documents = sizeMax > 0 ? new LRUCache({ max: sizeMax }) : undefined;
    if (previous === undefined || this.documents === undefined) return;
    // `entries()` runs from the most recently used; set them least recent first to keep the order.
    const kept: [string, ReadDocument][] = [];
    for (const entry of previous.entries()) {
      if (kept.length >= sizeMax) break;
      kept.push(entry);
    }
    for (let index = kept.length - 1; index >= 0; index -= 1)
      this.documents.set(...(kept[index] as [string, ReadDocument]));
  }

  get(id: string): ReadDocument | undefined {
    return this.documents?.get(id);
  }

  set(id: string, document: ReadDocument): void {
    this.documents?.set(id, document);
  }
}
