import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, toEventView, type EventStore, type EventView } from '@sunlight/event-store';
import { READ_STORE, type ReadStore } from '@sunlight/read-store';
import { formatYuan, poolDecider, poolSummary } from '../domain';
import {
  paymentsByIdNumberQuery,
  paymentsCollection,
  paymentsProjectionName,
  type PaymentDocument,
} from '../projections';
import { toPoolEvent } from '../stored-events';

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

/**
 * Histories for commissions and auditors: every payment to a person, a pool with its running
 * figures. Callers check the caller's jurisdiction over what is asked; these queries only read.
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
}
