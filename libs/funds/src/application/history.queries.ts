import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  toEventView,
  type EventStore,
  type EventView,
  type RecordedEvent,
} from '@sunlight/event-store';
import { RequestFieldError } from '@sunlight/kernel';
import { READ_STORE, type ReadStore } from '@sunlight/read-store';
import {
  fundLineDecider,
  fundStreamCategory,
  formatYuan,
  parsePoolStreamName,
  poolDecider,
  poolSummary,
} from '../domain';
import {
  paymentsByIdNumberQuery,
  paymentsCollection,
  paymentsProjectionName,
  type PaymentDocument,
} from '../projections';
import { toFundLineEvent, toPoolEvent } from '../stored-events';

/** Events folded by one `asOf` request; a longer stream must be read in pages. */
export const historyEventsMax = 10_000;
const personPaymentsMax = 500;

export interface PoolHistoryEntry {
  event: EventView;
  balance: string;
  disbursed: string;
}

export interface PoolHistoryPage {
  streamName: string;
  entries: PoolHistoryEntry[];
  nextRevision?: string;
}

export interface StreamAsOf {
  streamName: string;
  asOf: string | null;
  state: unknown;
  events: EventView[];
}

export interface StreamPage {
  streamName: string;
  events: EventView[];
  /** Pass as `fromRevision` for the next page; absent on the last page. */
  nextRevision?: string;
}

/**
 * Histories for commissions and auditors: every payment to a person, a pool with its running
 * figures, any stream as it stood at a moment, raw pages of a stream. Callers check the caller's
 * jurisdiction over what is asked; these queries only read.
 */
@Injectable()
export class HistoryQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** Payments to one ID number made inside `jurisdiction`, from the payments read model. */
  async personPayments(idNumber: string, jurisdiction: string): Promise<PaymentDocument[]> {
    const query = paymentsByIdNumberQuery(idNumber, personPaymentsMax);
    const { items } = await this.readStore.find<PaymentDocument>(
      paymentsProjectionName,
      paymentsCollection,
      { ...query, where: { ...query.where, divisionCode: { prefix: jurisdiction } } },
    );
    return items;
  }

  /** A page of a pool's events with the figures after each; the fold starts at revision 0. */
  async pool(streamName: string, fromRevision: number, limit: number): Promise<PoolHistoryPage> {
    let state = poolDecider.initialState();
    const entries: PoolHistoryEntry[] = [];
    let nextRevision: string | undefined;
    for await (const event of this.store.readStream(streamName, {
      maxCount: fromRevision + limit + 1,
    })) {
      if (event.revision >= BigInt(fromRevision + limit)) {
        nextRevision = event.revision.toString();
        break;
      }
      state = poolDecider.evolve(state, toPoolEvent(event));
      if (event.revision < BigInt(fromRevision)) continue;
      const summary = poolSummary(state);
      entries.push({
        event: toEventView(event),
        balance: formatYuan(summary.balanceFen),
        disbursed: formatYuan(summary.disbursedFen),
      });
    }
    return { streamName, entries, ...(nextRevision === undefined ? {} : { nextRevision }) };
  }

  /** A stream folded up to `asOf` (a time or a log position), with the events that made it. */
  async streamAsOf(streamName: string, asOf: string | undefined): Promise<StreamAsOf> {
    const included = asOfFilter(asOf);
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamName, {
      maxCount: historyEventsMax + 1,
    })) {
      if (!included(event)) break;
      events.push(event);
    }
    if (events.length > historyEventsMax) {
      throw new RequestFieldError(
        'asOf',
        `the stream holds more than ${historyEventsMax} events before that moment; read it in pages`,
      );
    }
    return {
      streamName,
      asOf: asOf ?? null,
      state: foldState(streamName, events),
      events: events.map(toEventView),
    };
  }

  /** A page of a stream's raw events, oldest first. */
  async streamPage(streamName: string, fromRevision: number, limit: number): Promise<StreamPage> {
    const events: EventView[] = [];
    for await (const event of this.store.readStream(streamName, {
      fromRevision: BigInt(fromRevision),
      maxCount: limit + 1,
    })) {
      events.push(toEventView(event));
    }
    const hasMore = events.length > limit;
    const page = events.slice(0, limit);
    return {
      streamName,
      events: page,
      ...(hasMore
        ? { nextRevision: (BigInt(page[page.length - 1].revision) + 1n).toString() }
        : {}),
    };
  }
}

function asOfFilter(asOf: string | undefined): (event: RecordedEvent) => boolean {
  if (asOf === undefined) return () => true;
  if (/^\d{1,20}$/.test(asOf)) {
    const position = BigInt(asOf);
    return (event) => BigInt(event.position) <= position;
  }
  const atMs = Date.parse(asOf);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(asOf) || Number.isNaN(atMs)) {
    throw new RequestFieldError('asOf', 'must be an ISO 8601 time or a log position');
  }
  return (event) => event.recordedAt.getTime() <= atMs;
}

function foldState(streamName: string, events: readonly RecordedEvent[]): unknown {
  if (parsePoolStreamName(streamName) !== undefined) {
    const state = events.reduce(
      (folded, event) => poolDecider.evolve(folded, toPoolEvent(event)),
      poolDecider.initialState(),
    );
    const summary = poolSummary(state);
    return {
      balance: formatYuan(summary.balanceFen),
      received: formatYuan(summary.receivedFen),
      sent: formatYuan(summary.sentFen),
      disbursed: formatYuan(summary.disbursedFen),
      pending: formatYuan(summary.pendingFen),
      returned: formatYuan(summary.returnedFen),
      pendingApprovalCount: summary.pendingApprovalCount,
      awaitingSettlementCount: summary.awaitingSettlementCount,
    };
  }
  if (streamName.startsWith(`${fundStreamCategory}-`)) {
    return events.reduce(
      (folded, event) => fundLineDecider.evolve(folded, toFundLineEvent(event)),
      fundLineDecider.initialState(),
    ).line;
  }
  return null;
}
