import type { RecordedEvent } from '@sunlight/event-store';
import type { DivisionRegistry } from '@sunlight/geo';
import {
  appropriateFundsFor,
  type Beneficiary,
  fundLineDecider,
  type FundSource,
  fundStreamName,
  type PoolCommand,
  poolDecider,
  type PoolEvent,
  type PoolState,
  poolStreamName,
  type PurposeCategory,
} from '../../domain';
import type { Actor } from '@sunlight/kernel';

/**
 * A log in memory written through the real deciders, so projection specs see events of exactly
 * the shapes production writes: `pool-<fund>.<division>` and `fund-<fund>` streams, positions
 * '00000000000000000001'…, `recordedAt` from a clock the spec moves.
 */
export const maker: Actor = { id: 'u-maker', role: 'finance', division: '53' };
export const checker: Actor = { id: 'u-checker', role: 'finance', division: '53' };
export const relay: Actor = { id: 'system:allocation-relay', role: 'system', division: '' };
export const bank: Actor = { id: 'system:bank-gateway', role: 'system', division: '' };

const dayMs = 24 * 60 * 60 * 1000;

export interface NewFund {
  fundId: string;
  divisionCode: string;
  amountFen: bigint;
  name?: string;
  fiscalYear?: number;
  purposeCategory?: PurposeCategory;
  source?: FundSource;
}

export class TestLedger {
  readonly events: RecordedEvent[] = [];
  private readonly pools = new Map<string, PoolState>();
  private readonly revisions = new Map<string, bigint>();
  private readonly startMs: number;
  private nowMs: number;

  constructor(
    private readonly registry: DivisionRegistry,
    startIso = '2024-03-01T01:00:00.000Z',
  ) {
    this.startMs = Date.parse(startIso);
    this.nowMs = this.startMs;
  }

  get nowIso(): string {
    return new Date(this.nowMs).toISOString();
  }

  /** Moves the clock to this many days after the start; it never goes back. */
  at(day: number): this {
    const nowMs = this.startMs + day * dayMs;
    if (nowMs < this.nowMs) throw new Error(`the clock cannot go back to day ${day}`);
    this.nowMs = nowMs;
    return this;
  }

  pool(fundId: string, divisionCode: string): PoolState {
    return this.pools.get(poolStreamName(fundId, divisionCode)) ?? poolDecider.initialState();
  }

  poolStates(): PoolState[] {
    return [...this.pools.values()];
  }

  /** `FundLineCreated`, then the appropriation on its pool, as the API does. */
  createFund(fund: NewFund): this {
    const [created] = fundLineDecider.decide(
      {
        type: 'CreateFundLine',
        fundId: fund.fundId,
        name: fund.name ?? `${fund.fundId} 衔接资金`,
        fiscalYear: fund.fiscalYear ?? 2024,
        purposeCategory: fund.purposeCategory ?? '产业发展',
        source: fund.source ?? '中央财政',
        appropriation: { divisionCode: fund.divisionCode, amountFen: fund.amountFen },
        actor: maker,
        occurredAt: this.nowIso,
      },
      fundLineDecider.initialState(),
    );
    if (created === undefined) throw new Error('the fund line decider wrote nothing');
    this.record(fundStreamName(fund.fundId), created, maker);
    this.run(appropriateFundsFor(created, maker, this.nowIso));
    return this;
  }

  send(
    fundId: string,
    from: string,
    to: string,
    amountFen: bigint,
    transferId = `alloc-${from}-${to}-${this.events.length}`,
  ): string {
    this.run({
      type: 'SendAllocation',
      ...this.base(fundId, from, transferId, maker),
      toDivisionCode: to,
      amountFen,
      targetIsDirectChild: this.registry.isDirectChild(from, to),
    });
    return transferId;
  }

  /** What the relay does for an `AllocationSent`. */
  receive(fundId: string, transferId: string): this {
    const sent = this.events.find(
      (event) =>
        event.type === 'AllocationSent' &&
        event.data['fundId'] === fundId &&
        event.data['transferId'] === transferId,
    );
    if (sent === undefined) throw new Error(`no AllocationSent ${transferId}`);
    this.run({
      type: 'ReceiveAllocation',
      ...this.base(fundId, sent.data['toDivisionCode'] as string, transferId, relay),
      fromDivisionCode: sent.data['divisionCode'] as string,
      amountFen: BigInt(sent.data['amountFen'] as string),
    });
    return this;
  }

  request(
    fundId: string,
    division: string,
    transferId: string,
    beneficiary: Beneficiary,
    amountFen: bigint,
    requester = maker,
  ): this {
    this.run({
      type: 'RequestDisbursement',
      ...this.base(fundId, division, transferId, requester),
      beneficiary,
      amountFen,
      purpose: '产业奖补',
    });
    return this;
  }

  approve(fundId: string, division: string, transferId: string, approver = checker): this {
    this.run({ type: 'ApproveDisbursement', ...this.base(fundId, division, transferId, approver) });
    return this;
  }

  reject(
    fundId: string,
    division: string,
    transferId: string,
    reason = '花名册信息与档案不符',
  ): this {
    this.run({
      type: 'RejectDisbursement',
      ...this.base(fundId, division, transferId, checker),
      reason,
    });
    return this;
  }

  pay(fundId: string, division: string, transferId: string): this {
    this.run({
      type: 'SettleDisbursement',
      ...this.base(fundId, division, transferId, bank),
      outcome: 'paid',
      bankReference: `BK-${transferId}`,
    });
    return this;
  }

  fail(fundId: string, division: string, transferId: string): this {
    this.run({
      type: 'SettleDisbursement',
      ...this.base(fundId, division, transferId, bank),
      outcome: 'failed',
      failureReason: '账户已销户',
    });
    return this;
  }

  reverse(fundId: string, division: string, transferId: string, originalTransferId: string): this {
    this.run({
      type: 'ReverseTransfer',
      ...this.base(fundId, division, transferId, maker),
      originalTransferId,
      reason: '银行退回',
    });
    return this;
  }

  recover(
    fundId: string,
    division: string,
    transferId: string,
    originalTransferId: string,
    amountFen: bigint,
  ): this {
    this.run({
      type: 'RecoverFunds',
      ...this.base(fundId, division, transferId, checker),
      originalTransferId,
      amountFen,
      reason: '冒领追回',
    });
    return this;
  }

  /** Decides against the pool's state, folds the events in and records them; a refusal throws. */
  run(command: PoolCommand): PoolEvent[] {
    const streamName = poolStreamName(command.fundId, command.divisionCode);
    let state = this.pools.get(streamName) ?? poolDecider.initialState();
    const events = poolDecider.decide(command, state);
    for (const event of events) {
      state = poolDecider.evolve(state, event);
      this.record(streamName, event, command.actor);
    }
    this.pools.set(streamName, state);
    return events;
  }

  private base(fundId: string, divisionCode: string, transferId: string, actor: Actor) {
    return { fundId, divisionCode, transferId, actor, occurredAt: this.nowIso };
  }

  private record(streamName: string, event: { type: string; data: unknown }, actor: Actor): void {
    const position = this.events.length + 1;
    const revision = this.revisions.get(streamName) ?? 0n;
    this.revisions.set(streamName, revision + 1n);
    // Stored events are JSON: no undefined fields survive, just as in the store.
    this.events.push({
      eventId: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
      type: event.type,
      data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
      metadata: {
        actor,
        occurredAt: this.nowIso,
        commandId: `command-${position}`,
        correlationId: `command-${position}`,
        causationId: `command-${position}`,
        schemaVersion: 1,
      },
      streamName,
      revision,
      position: position.toString().padStart(20, '0'),
      recordedAt: new Date(this.nowMs),
    });
  }
}
