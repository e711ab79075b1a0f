/**
 * Proves that transfer ids are unique across pools (a reused id is refused with nothing written),
 * and that the allocation relay parks an allocation it cannot apply instead of stalling every
 * later one.
 */
import { randomUUID } from 'node:crypto';
import { collectFirst } from '@sunlight/event-store';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database';
import type { Actor } from '@sunlight/kernel';
import { poolStreamName, TransferIdTakenError, type PoolCommand } from '../domain';
import { startFundsApplication, type FundsApplication } from './testing/funds-application';

const finance: Actor = { id: 'f1', role: 'finance', division: '53' };

describe('transfer ids across pools', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let funds: FundsApplication;
  const fundId = `tid-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      process.env.SUNLIGHT_TEST_PG_ADMIN_URL as string,
      'transfer_ids',
    );
    store = await PostgresEventStore.open({ connectionString: databaseUrl, pollIntervalMs: 100 });
    funds = await startFundsApplication(store);
    await funds.createFundLine(
      {
        type: 'CreateFundLine',
        fundId,
        name: '测试资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: '53', amountFen: 1_000_000n },
        actor: finance,
        occurredAt: new Date().toISOString(),
      },
      ids(),
    );
  });
  afterAll(async () => {
    await funds.close();
    await store.close();
    await dropTestDatabase(databaseUrl);
  });

  const ids = () => ({ commandId: randomUUID(), correlationId: randomUUID() });
  const send = (transferId: string, from: string, to: string, amountFen: bigint): PoolCommand => ({
    type: 'SendAllocation',
    fundId,
    divisionCode: from,
    transferId,
    toDivisionCode: to,
    amountFen,
    targetIsDirectChild: true,
    actor: finance,
    occurredAt: new Date().toISOString(),
  });
  const received = async (division: string) =>
    (await funds.poolState(fundId, division)).state.receivedFen;
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await check()).toBe(true);
  };

  it('refuses a new transfer whose id another pool already uses, writing nothing', async () => {
    await funds.run(send('a1', '53', '5303', 100_000n), ids());
    await eventually(async () => (await received('5303')) === 100_000n);
    await funds.run(send('x', '5303', '530325', 10_000n), ids());
    // The relay writes the receiving side in the background; the head must be still to compare it.
    await eventually(async () => (await received('530325')) === 10_000n);
    const head = await store.headPosition();
    const refusal: unknown = await funds
      .run(send('x', '53', '5301', 10_000n), ids())
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TransferIdTakenError);
    // The caller may not see the other pool: the refusal must not name where the id is used.
    expect((refusal as Error).message).not.toMatch(/5303|pool-/);
    expect(await store.headPosition()).toBe(head);
    // The allocation's own receiving twin is not a clash: a repeat of a1 is still a replay.
    await expect(funds.run(send('a1', '53', '5303', 100_000n), ids())).resolves.toMatchObject({
      replayed: true,
    });
  });

  it('parks an allocation the relay cannot apply and goes on with the next one', async () => {
    // What a log written before transfer ids were claimed by the store may hold: an id in two pools.
    await funds.run(send('feed', '53', '5301', 50_000n), ids());
    await eventually(async () => (await received('5301')) === 50_000n);
    await funds.run(
      {
        type: 'RequestDisbursement',
        fundId,
        divisionCode: '5301',
        transferId: 'clash',
        beneficiary: { kind: 'project', id: 'p1', name: '道路硬化' },
        amountFen: 1n,
        actor: finance,
        occurredAt: new Date().toISOString(),
      },
      ids(),
    );
    const sent = await collectFirst(
      store.readStream(poolStreamName(fundId, '53'), { direction: 'backwards', maxCount: 1 }),
    );
    await store.appendToStream(
      poolStreamName(fundId, '53'),
      [
        {
          eventId: randomUUID(),
          type: 'AllocationSent',
          data: {
            transferId: 'clash',
            fundId,
            divisionCode: '53',
            toDivisionCode: '5301',
            amountFen: '5',
          },
          metadata: {
            actor: finance,
            occurredAt: new Date().toISOString(),
            commandId: randomUUID(),
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: sent?.revision as bigint },
    );
    await funds.run(send('after-clash', '53', '5303', 7n), ids());
    await eventually(async () => (await received('5303')) === 100_007n);
    expect(funds.processor.parked).toBe(1);
    expect(await received('5301')).toBe(50_000n);
  });

  it('lets exactly one of two pools racing for a new transfer id win, every time', async () => {
    // Both pools hold money from the tests above; each trial's reservation is released again.
    const request = (division: string, transferId: string): PoolCommand => ({
      type: 'RequestDisbursement',
      fundId,
      divisionCode: division,
      transferId,
      beneficiary: { kind: 'person', id: 'p-race', name: '王五' },
      amountFen: 100n,
      actor: finance,
      occurredAt: new Date().toISOString(),
    });
    for (let trial = 0; trial < 15; trial += 1) {
      const transferId = `race-${trial}`;
      const outcomes = await Promise.allSettled([
        funds.run(request('5301', transferId), ids()),
        funds.run(request('5303', transferId), ids()),
      ]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter(
        (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
      );
      expect({ trial, won: won.length }).toEqual({ trial, won: 1 });
      expect(lost[0].reason).toBeInstanceOf(TransferIdTakenError);
      // The winner's reservation can still be decided: nothing froze it.
      const winner = outcomes[0].status === 'fulfilled' ? '5301' : '5303';
      const rejected = await funds.run(
        {
          type: 'RejectDisbursement',
          fundId,
          divisionCode: winner,
          transferId,
          reason: '测试',
          actor: { id: 'checker', role: 'approver', division: '53' },
          occurredAt: new Date().toISOString(),
        },
        ids(),
      );
      expect(rejected.event.type).toBe('DisbursementRejected');
    }
  });
});
