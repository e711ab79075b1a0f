import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { StreamAccess } from '@sunlight/audit/audit.module';
import { eventTypeScopes, seesPersonalData } from '@sunlight/auth';
import {
  CHAIN_HASHES,
  EVENT_STORE,
  type ChainHashes,
  type EventStore,
  type EventStoreProbe,
  type RecordedEvent,
} from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { divisionOfSubscriptionId, subscriptionStreamPrefix } from '../domain/subscription.decider';
import { ChainHashLoader } from './chain-hash-loader';
import { LiveTail } from './live-tail';
import { feedEventOf, type FeedEvent } from './feed-events';
import { effectiveTypePrefixes, FeedSelection, type FeedRequest } from './feed-filter';
import { SubscriptionIndex } from './subscription-index';

/** What one catch-up request yields: its events, then where the next request starts. */
export type FeedItem =
  | { readonly kind: 'event'; readonly event: FeedEvent }
  | { readonly kind: 'end'; readonly next: string | null; readonly count: number };

/** What a live stream yields: events, and positions it moved past without a matching event. */
export type LiveItem =
  | { readonly kind: 'event'; readonly event: FeedEvent }
  | { readonly kind: 'passed'; readonly position: string };

/** Events sent a page at most; the OpenAPI document and the docs say so. */
export const feedPageSizeMax = 10_000;
export const feedPageSizeDefault = 1_000;
/**
 * Events one page request reads from the store at most, matching or not, so a filter that
 * matches little still answers in bounded time; `next` then says how far it read.
 */
export const feedScanMax = 100_000;
/** Events whose chain hashes are looked up in one query. */
const hashChunkSize = 250;
/** Streams whose admission one request remembers. */
const admittedStreamsMax = 10_000;

/**
 * Reads the log for the integrators' feeds: in log order, filtered by type prefix (narrowed to
 * an integrator's scopes), stream prefix and jurisdiction (each event's division is its stream's,
 * from the StreamCatalog), masked unless the caller may see personal data.
 */
@Injectable()
export class FeedReader implements OnApplicationShutdown {
  private readonly chainHashes: ChainHashLoader;
  private readonly tail: LiveTail;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore & EventStoreProbe,
    @Inject(CHAIN_HASHES) chainHashes: ChainHashes,
    private readonly access: StreamAccess,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    private readonly subscriptions: SubscriptionIndex,
  ) {
    this.chainHashes = new ChainHashLoader(chainHashes);
    this.tail = new LiveTail(store);
  }

  onApplicationShutdown(): void {
    this.tail.close();
  }

  /** One page of at most `limit` events after `request.after`, streamed as it is read. */
  async *page(
    actor: Actor,
    scopes: readonly string[],
    request: FeedRequest,
    limit: number,
  ): AsyncGenerator<FeedItem> {
    const selection = await this.selection(actor, scopes, request);
    const unmasked = seesPersonalData(actor.role, scopes);
    let next = request.after ?? null;
    let count = 0;
    if (!selection.empty) {
      let chunk: RecordedEvent[] = [];
      for await (const event of this.store.readAll({
        ...(request.after === undefined ? {} : { after: request.after }),
        maxCount: feedScanMax,
        ...(selection.storeFilter === undefined ? {} : { filter: selection.storeFilter }),
      })) {
        next = event.position;
        if (!selection.admits(event)) continue;
        chunk.push(event);
        count += 1;
        if (chunk.length === hashChunkSize) {
          yield* this.rendered(chunk, unmasked);
          chunk = [];
        }
        if (count === limit) break;
      }
      yield* this.rendered(chunk, unmasked);
    }
    yield { kind: 'end', next, count };
  }

  /**
   * Catch-up, then live, until `signal` aborts: pages from the store (hashes looked up in bulk)
   * while the process's shared live tail does not cover the position, then the tail.
   */
  async *live(
    actor: Actor,
    scopes: readonly string[],
    request: FeedRequest,
    signal: AbortSignal,
  ): AsyncGenerator<LiveItem> {
    const selection = await this.selection(actor, scopes, request);
    const unmasked = seesPersonalData(actor.role, scopes);
    let after = request.after;
    while (!signal.aborted) {
      const tailEvents = await this.tail.after(after);
      if (tailEvents === undefined) {
        let moved = false;
        const page = this.page(actor, scopes, { ...request, after }, feedPageSizeMax);
        for await (const item of page) {
          if (signal.aborted) return;
          if (item.kind === 'event') {
            yield item;
            moved = true;
          } else if (item.next !== null && item.next !== after) {
            after = item.next;
            moved = true;
            yield { kind: 'passed', position: item.next };
          }
        }
        // Nothing after `after` in the store, and the tail began later: wait for it to move.
        if (!moved) await this.tail.waitBeyond(after, signal);
        continue;
      }
      if (tailEvents.length === 0) {
        await this.tail.waitBeyond(after, signal);
        continue;
      }
      for (let index = 0; index < tailEvents.length; index += hashChunkSize) {
        if (signal.aborted) return;
        const chunk = tailEvents.slice(index, index + hashChunkSize);
        yield* this.rendered(
          chunk.filter((event) => selection.admits(event)),
          unmasked,
        );
        after = (chunk.at(-1) as RecordedEvent).position;
        yield { kind: 'passed', position: after };
      }
    }
  }

  private async selection(
    actor: Actor,
    scopes: readonly string[],
    request: FeedRequest,
  ): Promise<FeedSelection> {
    const typePrefixes = effectiveTypePrefixes(
      request.types,
      actor.role === 'integrator' ? eventTypeScopes(scopes) : undefined,
    );
    const subscriptionSeen = await this.subscriptionVisibility(actor, request, typePrefixes);
    const admitted = new Map<string, boolean>();
    const streamAdmitted = (streamName: string): boolean => {
      let verdict = admitted.get(streamName);
      if (verdict === undefined) {
        const division = this.access.divisionOf(streamName);
        verdict =
          request.excludedStreams?.some((prefix) => streamName.startsWith(prefix)) === true
            ? false
            : division === 'public'
              ? !request.divisionAsked
              : division !== undefined &&
                this.divisions.isWithin(division, request.division) &&
                subscriptionSeen(streamName);
        if (admitted.size >= admittedStreamsMax) admitted.clear();
        admitted.set(streamName, verdict);
      }
      return verdict;
    };
    return new FeedSelection(typePrefixes, request.streams, streamAdmitted);
  }

  /**
   * A subscription's stream names its URL, which may carry the integrator's own credentials: the
   * feed shows it to whom the subscriptions API would (its owner, and jurisdictions strictly
   * above the owner's), never to a peer integrator of the same division. Owned ones are those the
   * index knows when the request starts; one the caller creates later shows on its next request.
   */
  private async subscriptionVisibility(
    actor: Actor,
    request: FeedRequest,
    typePrefixes: readonly string[] | undefined,
  ): Promise<(streamName: string) => boolean> {
    const mayReadSubscriptions =
      (typePrefixes === undefined || typePrefixes.length > 0) &&
      (request.streams.length === 0 ||
        request.streams.some(
          (prefix) =>
            prefix.startsWith(subscriptionStreamPrefix) ||
            subscriptionStreamPrefix.startsWith(prefix),
        ));
    const owned = new Set<string>();
    if (mayReadSubscriptions) {
      for (const known of await this.subscriptions.all()) {
        if (known.owner.id === actor.id) owned.add(known.subscriptionId);
      }
    }
    return (streamName) => {
      if (!streamName.startsWith(subscriptionStreamPrefix)) return true;
      const subscriptionId = streamName.slice(subscriptionStreamPrefix.length);
      if (owned.has(subscriptionId)) return true;
      const ownerDivision = divisionOfSubscriptionId(subscriptionId);
      return (
        ownerDivision !== undefined &&
        ownerDivision !== actor.division &&
        this.divisions.isWithin(ownerDivision, actor.division)
      );
    };
  }

  private async *rendered(
    events: readonly RecordedEvent[],
    unmasked: boolean,
  ): AsyncGenerator<{ kind: 'event'; event: FeedEvent }> {
    if (events.length === 0) return;
    const hashes = await this.chainHashes.load(events.map((event) => event.position));
    for (const event of events) {
      yield { kind: 'event', event: feedEventOf(event, hashes.get(event.position), unmasked) };
    }
  }
}
