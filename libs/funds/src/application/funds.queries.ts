import { Inject, Injectable } from '@nestjs/common';
import {
  collectFirst,
  EVENT_STORE,
  toEventView,
  type EventStore,
  type EventView,
} from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { formatYuan, fundStreamName, poolStreamName, poolSummary, type PoolState } from '../domain';
import { toFundLineEvent } from '../stored-events';
import { POOL_COMMANDS, type PoolCommands } from './pool-commands';

export interface PoolView {
  fundId: string;
  divisionCode: string;
  divisionName: string;
  /** Yuan decimal strings. */
  balance: string;
  received: string;
  sent: string;
  /** Sent to child divisions and not yet received by them (在途资金). */
  inTransit: string;
  disbursed: string;
  /** Requested disbursements awaiting approval. */
  pending: string;
  returned: string;
  pendingApprovalCount: number;
  awaitingSettlementCount: number;
  transferCount: number;
  /** Revision of the pool stream this view was folded up to; absent for a pool with no events. */
  revision?: string;
}

export interface FundView {
  fundId: string;
  name: string;
  fiscalYear: number;
  purposeCategory: string;
  source: string;
  appropriation: { divisionCode: string; divisionName: string; amount: string };
  createdBy: unknown;
  created: EventView;
}

@Injectable()
export class FundsQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
  ) {}

  /** The pool's current state (from cache or snapshot, plus the tail of its stream). */
  poolState(
    fundId: string,
    divisionCode: string,
  ): Promise<{ state: PoolState; revision: bigint | undefined }> {
    return this.pools.load(poolStreamName(fundId, divisionCode));
  }

  /** Whether the fund line was created: its stream has a first event. */
  async fundExists(fundId: string): Promise<boolean> {
    const first = await collectFirst(
      this.store.readStream(fundStreamName(fundId), { maxCount: 1 }),
    );
    return first !== undefined;
  }

  async fund(fundId: string): Promise<FundView | undefined> {
    const created = await collectFirst(
      this.store.readStream(fundStreamName(fundId), { maxCount: 1 }),
    );
    if (created === undefined) return undefined;
    const { data } = toFundLineEvent(created);
    return {
      fundId: data.fundId,
      name: data.name,
      fiscalYear: data.fiscalYear,
      purposeCategory: data.purposeCategory,
      source: data.source,
      appropriation: {
        divisionCode: data.appropriation.divisionCode,
        divisionName: this.divisions.get(data.appropriation.divisionCode)?.name ?? '',
        amount: formatYuan(BigInt(data.appropriation.amountFen)),
      },
      createdBy: created.metadata.actor,
      created: toEventView(created),
    };
  }

  /**
   * A pool's figures. In transit is what this pool sent minus what its direct children have
   * received (a child's pool receives money only from its parent), so it needs the children's
   * pools too; a division has at most a few dozen direct children.
   */
  async pool(fundId: string, divisionCode: string): Promise<PoolView> {
    const { state, revision } = await this.poolState(fundId, divisionCode);
    const summary = poolSummary(state);
    let receivedByChildrenFen = 0n;
    if (summary.sentFen > 0n) {
      const children = this.divisions.childrenOf(divisionCode);
      const childStates = await Promise.all(
        children.map((child) => this.poolState(fundId, child.code)),
      );
      for (const child of childStates) receivedByChildrenFen += child.state.receivedFen;
    }
    return {
      fundId,
      divisionCode,
      divisionName: this.divisions.get(divisionCode)?.name ?? '',
      balance: formatYuan(summary.balanceFen),
      received: formatYuan(summary.receivedFen),
      sent: formatYuan(summary.sentFen),
      inTransit: formatYuan(summary.sentFen - receivedByChildrenFen),
      disbursed: formatYuan(summary.disbursedFen),
      pending: formatYuan(summary.pendingFen),
      returned: formatYuan(summary.returnedFen),
      pendingApprovalCount: summary.pendingApprovalCount,
      awaitingSettlementCount: summary.awaitingSettlementCount,
      transferCount: summary.transferCount,
      ...(revision === undefined ? {} : { revision: revision.toString() }),
    };
  }
}
