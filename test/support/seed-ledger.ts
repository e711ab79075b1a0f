import { randomUUID } from 'node:crypto';
import type { Actor } from '@sunlight/kernel';
import type { EventToAppend } from '@sunlight/event-store';
import type { PostgresEventStore } from '@sunlight/event-store/postgres';
import { makeIdNumber } from '@sunlight/geo';
import {
  appropriateFundsFor,
  fundLineDecider,
  fundStreamName,
  poolDecider,
  poolStreamName,
  type FundLineCreated,
  type PoolCommand,
  type PoolEvent,
  type PoolState,
} from '@sunlight/funds';

/**
 * Writes a backlog of ledger events straight to the store, decided by the real deciders (as
 * `bench/ledger.bench.ts` seeds its long pool): one fund line per township appropriated to it,
 * then disbursements with every outcome (approved, paid, failed, rejected, reversed, recovered,
 * a few left pending). Pools are appended round-robin, so the townships' events interleave in the log.
 */
export interface SeedOptions {
  county: string;
  townships: readonly string[];
  /** Pool events per township (approximately: a disbursement's events are never split). */
  eventsPerPool: number;
  fundIdPrefix: string;
}

const admin: Actor = { id: 'seed-admin', role: 'admin', division: '53' };
const appendEventsMax = 990;

export async function seedLedger(
  store: PostgresEventStore,
  options: SeedOptions,
): Promise<{ fundIds: string[]; events: number }> {
  const finance: Actor = { id: 'seed-finance', role: 'finance', division: options.county };
  const approver: Actor = { id: 'seed-approver', role: 'approver', division: options.county };
  const bank: Actor = { id: 'seed-bank', role: 'bank', division: options.county };
  const occurredAt = new Date().toISOString();
  let written = 0;

  const pools = options.townships.map((township, index) => {
    const fundId = `${options.fundIdPrefix}-${index}`;
    return {
      fundId,
      township,
      stream: poolStreamName(fundId, township),
      state: poolDecider.initialState() as PoolState,
      pending: [] as EventToAppend[],
      revision: undefined as bigint | undefined,
      count: 0,
      next: 0,
    };
  });

  // The fund lines first, as the API writes them.
  for (const pool of pools) {
    const [created] = fundLineDecider.decide(
      {
        type: 'CreateFundLine',
        fundId: pool.fundId,
        name: `崩溃测试资金 ${pool.township}`,
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: pool.township, amountFen: 10n ** 13n },
        actor: admin,
        occurredAt,
      },
      fundLineDecider.initialState(),
    ) as [FundLineCreated];
    await store.appendToStream(
      fundStreamName(pool.fundId),
      [toAppend(created, admin, occurredAt)],
      { expectedRevision: 'no_stream' },
    );
    written += 1;
    apply(pool, appropriateFundsFor(created, admin, occurredAt));
  }

  function apply(pool: (typeof pools)[number], command: PoolCommand): void {
    for (const event of poolDecider.decide(command, pool.state)) {
      pool.state = poolDecider.evolve(pool.state, event);
      pool.pending.push(toAppend(event, command.actor, occurredAt));
      pool.count += 1;
    }
  }

  /** One disbursement's whole life; which outcome depends on its number. */
  function disburse(pool: (typeof pools)[number]): void {
    const index = pool.next++;
    const base = { fundId: pool.fundId, divisionCode: pool.township, occurredAt };
    const transferId = `${pool.fundId}-d${index}`;
    const seq3 = String(index % 1000).padStart(3, '0');
    apply(pool, {
      ...base,
      type: 'RequestDisbursement',
      transferId,
      beneficiary: {
        kind: 'household',
        id: `hh-${pool.township}-${index}`,
        name: '张三',
        idNumber: makeIdNumber(options.county, '19800101', seq3),
      },
      amountFen: 10_000n + BigInt(index % 97) * 101n,
      actor: finance,
    });
    // Few are left pending: every pending request sits in its fund's documents up to the province.
    if (index % 200 === 18) return;
    const kind = index % 20;
    if (kind === 14) {
      apply(pool, {
        ...base,
        type: 'RejectDisbursement',
        transferId,
        reason: '花名册核对不符',
        actor: approver,
      });
      return;
    }
    apply(pool, { ...base, type: 'ApproveDisbursement', transferId, actor: approver });
    if (kind < 15) return; // approved, awaiting settlement
    if (kind === 16) {
      apply(pool, {
        ...base,
        type: 'SettleDisbursement',
        transferId,
        outcome: 'failed',
        failureReason: '账户冻结',
        actor: bank,
      });
      return;
    }
    apply(pool, {
      ...base,
      type: 'SettleDisbursement',
      transferId,
      outcome: 'paid',
      bankReference: `BR-${transferId}`,
      actor: bank,
    });
    if (kind === 17) {
      apply(pool, {
        ...base,
        type: 'RecoverFunds',
        transferId: `rec-${transferId}`,
        originalTransferId: transferId,
        amountFen: 1_000n,
        reason: '追回',
        actor: finance,
      });
    } else if (kind === 19) {
      apply(pool, {
        ...base,
        type: 'ReverseTransfer',
        transferId: `rev-${transferId}`,
        originalTransferId: transferId,
        reason: '退回',
        actor: bank,
      });
    }
  }

  async function flush(pool: (typeof pools)[number]): Promise<void> {
    while (pool.pending.length > 0) {
      const batch = pool.pending.splice(0, appendEventsMax);
      const result = await store.appendToStream(pool.stream, batch, {
        expectedRevision: pool.revision ?? 'no_stream',
      });
      pool.revision = result.nextExpectedRevision;
      written += batch.length;
    }
  }

  while (pools.some((pool) => pool.count < options.eventsPerPool)) {
    for (const pool of pools) {
      while (pool.count < options.eventsPerPool && pool.pending.length < appendEventsMax - 5)
        disburse(pool);
    }
    await Promise.all(pools.map(flush));
  }
  return { fundIds: pools.map((pool) => pool.fundId), events: written };
}

function toAppend(
  event: PoolEvent | FundLineCreated,
  actor: { id: string; role: string; division: string },
  occurredAt: string,
): EventToAppend {
  return {
    eventId: randomUUID(),
    type: event.type,
    data: event.data as unknown as EventToAppend['data'],
    metadata: {
      actor: { ...actor },
      occurredAt,
      commandId: randomUUID(),
      correlationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}
