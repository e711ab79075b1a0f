import { LRUCache } from 'lru-cache';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
  SubscriptionMessage,
} from '@sunlight/event-store';
import { BoundedChannel } from './bounded-channel';
import type { Projection } from './projection';
import {
  getManyKeysMax,
  keyOf,
  type DocumentKey,
  type ReadDocument,
  type ReadStore,
} from './read-store.port';
import { applyEvents, uniqueKeys } from './recompute';

/** Document ids a run from the start of the log remembers having written (about 50 MB). */
const writtenIdsMax = 1_000_000;

/** How a pass gathers events into batches, in one of its two phases. */
export interface BatchSettings {
  /** Events per batch (one getMany, one commit). */
  batchSizeMax: number;
  /** How long a batch waits for more events once it has one. */
  batchWaitMs: number;
  /** Documents kept in memory between batches (the most recently used). */
  documentCacheMax: number;
}

export interface ProjectionPassOptions {
  store: EventStore;
  readStore: ReadStore;
  projection: Projection;
  /** The version's committed checkpoint: the pass reads the log after it. */
  from: GlobalPosition | undefined;
  /** Until the first `caughtUp`, then live. */
  catchUp: BatchSettings;
  live: BatchSettings;
  /** Positions a filtered subscription may scan without a match before reporting progress. */
  checkpointInterval: number;
  /** True: the pass ends at the first `caughtUp`; false: it runs until the signal ends it. */
  untilCaughtUp: boolean;
  signal: AbortSignal;
  observer: ProjectionPassObserver;
}

/** What a pass tells its runner as it goes. */
export interface ProjectionPassObserver {
  /** An event arrived and waits in a batch. */
  received(): void;
  /**
   * Documents and checkpoint committed up to `position`: a batch of `events`, or none, and the
   * keys (`collection/id`) of the documents it changed.
   */
  committed(
    position: GlobalPosition,
    events: readonly RecordedEvent[],
    changedKeys: readonly string[],
  ): void;
  /** The pass has reached the head of the log for the first time. */
  caughtUp(): Promise<void>;
}

/** A batch handed to the read store and not yet known to have committed. */
interface InFlightCommit {
  done: Promise<void>;
  /** Its documents, readable here until they are in the store. */
  documents: Map<string, ReadDocument>;
}

/**
 * One subscription of a projection from its checkpoint, until the signal ends it (or the first
 * `caughtUp`, for a rebuild). The subscription is pumped into a bounded channel, so the next
 * page is read while a batch commits. Events are gathered into batches; each batch loads the
 * documents its events touch (one `getMany`), applies the events in order, and is committed
 * with its checkpoint while the next batch is assembled. A filtered subscription's checkpoints
 * commit as batches without documents, so a projection whose events are rare still advances.
 */
export class ProjectionPass {
  // Read-ahead: the next page is fetched while this batch is being committed.
  private readonly channel: BoundedChannel<SubscriptionMessage>;
  private readonly attempt = new AbortController();
  private readonly cache: DocumentCache;
  private settings: BatchSettings;
  private committedPosition: GlobalPosition | undefined;
  /**
   * Consuming from the start of the log (a new or emptied version), a document this pass has not
   * written yet has no events in it, so it need not be read: a rebuild then reads back only
   * documents evicted from the cache. (A stray document of an earlier, interrupted attempt is
   * rebuilt from the same events and overwritten.) Past `writtenIdsMax` ids it reads as usual.
   */
  private writtenIds: Set<string> | undefined;
  private batch: RecordedEvent[] = [];
  private batchStartedMs = 0;
  /**
   * One batch may be committing while the next is applied. Its documents stay readable here
   * until it has committed, and documents evicted from the cache are re-read from the store
   * only once nothing newer of theirs can still be in flight.
   */
  private inFlight: InFlightCommit | undefined;
  private commitFailure: { error: unknown } | undefined;

  constructor(private readonly options: ProjectionPassOptions) {
    this.channel = new BoundedChannel(options.catchUp.batchSizeMax * 2);
    this.settings = options.catchUp;
    this.cache = new DocumentCache(options.catchUp.documentCacheMax);
    this.committedPosition = options.from;
    this.writtenIds = options.from === undefined ? new Set() : undefined;
  }

  /** Returns true after the first `caughtUp` when `untilCaughtUp`, false when the signal ended it; throws what failed. */
  async run(): Promise<boolean> {
    const { signal } = this.options;
    const abortAttempt = () => this.attempt.abort();
    signal.addEventListener('abort', abortAttempt);
    const pump = this.pumpSubscription();
    try {
      for (;;) {
        const message = await this.nextMessage();
        if (message === 'batchDue') await this.flush();
        else if (message === 'end') {
          await this.settleInFlight();
          return false;
        } else if (message.kind === 'event') await this.add(message.event);
        else {
          await this.flush();
          await this.commitPosition(message.position);
          if (message.kind === 'caughtUp') {
            await this.goLive();
            if (this.options.untilCaughtUp) return true;
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', abortAttempt);
      this.attempt.abort();
      this.channel.end();
      await pump;
      await this.inFlight?.done;
    }
  }

  /** Moves the subscription's messages into the channel until either ends. */
  private async pumpSubscription(): Promise<void> {
    try {
      const messages = this.options.store.subscribeToAll({
        after: this.options.from,
        filter: this.options.projection.filter,
        checkpointInterval: this.options.checkpointInterval,
        signal: this.attempt.signal,
      });
      for await (const message of messages) {
        if (!(await this.channel.push(message))) break;
      }
      this.channel.end();
    } catch (error) {
      this.channel.end(this.attempt.signal.aborted ? undefined : { error });
    }
  }

  /** The next message, 'batchDue' when the waiting batch's time is up, or 'end'. */
  private async nextMessage(): Promise<SubscriptionMessage | 'batchDue' | 'end'> {
    const waitMs =
      this.batch.length === 0
        ? undefined
        : this.batchStartedMs + this.settings.batchWaitMs - Date.now();
    if (waitMs !== undefined && waitMs <= 0) return 'batchDue';
    const taken = await this.channel.take(waitMs);
    if (taken.kind === 'timeout') return 'batchDue';
    if (taken.kind === 'end') return 'end';
    return taken.item;
  }

  private async add(event: RecordedEvent): Promise<void> {
    if (this.batch.length === 0) this.batchStartedMs = Date.now();
    this.batch.push(event);
    this.options.observer.received();
    if (this.batch.length >= this.settings.batchSizeMax) await this.flush();
  }

  /** Applies the waiting batch and hands it to the read store, once the previous one committed. */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    const touched = events.map((event) => ({
      event,
      keys: uniqueKeys(this.options.projection.keysOf(event)),
    }));
    const documents = await this.loadDocuments(touched.flatMap(({ keys }) => keys));
    const changed = applyEvents(this.options.projection, documents, touched);
    const changedDocuments = new Map<string, ReadDocument>();
    for (const id of changed.keys()) changedDocuments.set(id, documents.get(id) as ReadDocument);
    this.rememberWritten(changed.keys());
    await this.settleInFlight();
    this.commitInBackground(events, changed, changedDocuments);
    for (const [id, document] of changedDocuments) this.cache.set(id, document);
  }

  /**
   * The documents `keys` name, as far as they exist: from the batch in flight, the cache, or
   * the read store (in `getMany`-sized chunks). Read ones are cached.
   */
  private async loadDocuments(keys: readonly DocumentKey[]): Promise<Map<string, ReadDocument>> {
    const documents = new Map<string, ReadDocument>();
    const missing = new Map<string, DocumentKey>();
    for (const key of keys) {
      const id = keyOf(key);
      if (documents.has(id) || missing.has(id)) continue;
      const known = this.inFlight?.documents.get(id) ?? this.cache.get(id);
      if (known !== undefined) documents.set(id, known);
      else if (this.writtenIds === undefined || this.writtenIds.has(id)) missing.set(id, key);
    }
    const { name, version } = this.options.projection;
    const missingKeys = [...missing.values()];
    for (let start = 0; start < missingKeys.length; start += getManyKeysMax) {
      const chunk = missingKeys.slice(start, start + getManyKeysMax);
      for (const [id, document] of await this.options.readStore.getMany(name, version, chunk)) {
        documents.set(id, document);
        this.cache.set(id, document);
      }
    }
    return documents;
  }

  private rememberWritten(ids: Iterable<string>): void {
    if (this.writtenIds === undefined) return;
    for (const id of ids) this.writtenIds.add(id);
    if (this.writtenIds.size > writtenIdsMax) this.writtenIds = undefined;
  }

  /**
   * Starts committing a batch's changed documents with its last position; the pass goes on
   * meanwhile. A failure ends the channel, which wakes the loop even while no event comes.
   */
  private commitInBackground(
    events: readonly RecordedEvent[],
    changed: ReadonlyMap<string, DocumentKey>,
    changedDocuments: Map<string, ReadDocument>,
  ): void {
    const { name, version } = this.options.projection;
    const last = events[events.length - 1] as RecordedEvent;
    const write = this.options.readStore.commitBatch({
      projection: name,
      version,
      documents: [...changed].map(([id, key]) => ({
        collection: key.collection,
        document: changedDocuments.get(id) as ReadDocument,
      })),
      position: last.position,
    });
    this.inFlight = {
      documents: changedDocuments,
      done: write.then(
        () => {
          this.committedPosition = last.position;
          this.options.observer.committed(last.position, events, [...changed.keys()]);
        },
        (error: unknown) => {
          this.commitFailure = { error };
          this.channel.end({ error });
        },
      ),
    };
  }

  /** Waits for the batch in flight; throws its failure, if it failed. */
  private async settleInFlight(): Promise<void> {
    if (this.inFlight) await this.inFlight.done;
    this.inFlight = undefined;
    if (this.commitFailure) throw this.commitFailure.error;
  }

  /** Commits a checkpoint with no documents, when it moves the committed position forward. */
  private async commitPosition(position: GlobalPosition | undefined): Promise<void> {
    await this.settleInFlight();
    if (
      position === undefined ||
      (this.committedPosition !== undefined && position <= this.committedPosition)
    )
      return;
    const { name, version } = this.options.projection;
    await this.options.readStore.commitBatch({
      projection: name,
      version,
      documents: [],
      position,
    });
    this.committedPosition = position;
    this.options.observer.committed(position, [], []);
  }

  /** At the first `caughtUp`: the live batch settings from now on, then the runner is told. */
  private async goLive(): Promise<void> {
    this.settings = this.options.live;
    this.cache.resize(this.options.live.documentCacheMax);
    await this.options.observer.caughtUp();
  }
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
