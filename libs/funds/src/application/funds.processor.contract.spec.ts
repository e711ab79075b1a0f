/**
 * Proves that the funds processor (the allocation relay) runs only on instances that
 * RUN_PROCESSORS allows: an API instance with it off leaves an allocation in transit, and a
 * worker instance on the same database then relays it exactly once.
 */
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import type { Actor } from '@sunlight/kernel';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database';
import { eventually } from '../../../../test/support/async';
import { startFundsApplication, type FundsApplication } from './testing/funds-application';

const finance: Actor = { id: 'f1', role: 'finance', division: '53' };
const ids = () => ({ commandId: randomUUID(), correlationId: randomUUID() });

describe('RUN_PROCESSORS', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let api: FundsApplication;
  let worker: FundsApplication | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      process.env.SUNLIGHT_TEST_PG_ADMIN_URL as string,
      'run_processors',
    );
    store = await PostgresEventStore.open({ connectionString: databaseUrl, pollIntervalMs: 50 });
    api = await startFundsApplication(store, { runProcessors: false });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await store?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('leaves relaying to the instance that runs the processors', async () => {
    const fundId = `rp-${randomUUID().slice(0, 8)}`;
    const occurredAt = new Date().toISOString();
    await api.createFundLine(
      {
        type: 'CreateFundLine',
        fundId,
        name: '测试资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: '53', amountFen: 500_000n },
        actor: finance,
        occurredAt,
      },
      ids(),
    );
    await api.run(
      {
        type: 'SendAllocation',
        fundId,
        divisionCode: '53',
        transferId: `${fundId}-a1`,
        toDivisionCode: '5303',
        amountFen: 200_000n,
        targetIsDirectChild: true,
        actor: finance,
        occurredAt,
      },
      ids(),
    );
    // The API instance had its chance to relay: an append's notification wakes a processor within
    // milliseconds, so a second is generous.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.processor.position).toBeUndefined();
    expect((await api.poolState(fundId, '5303')).revision).toBeUndefined();

    worker = await startFundsApplication(store, { runProcessors: true });
    await eventually(async () => {
      const child = await api.poolState(fundId, '5303');
      expect(child.state.receivedFen).toBe(200_000n);
      return child;
    });
    expect((await api.poolState(fundId, '5303')).revision).toBe(0n);
  });
});
