// Proves that two app instances on one database decide on the stream's latest revision: a disbursement requested through one and approved through the other, then settled through the first, succeeds every time, one after another and interleaved, though each instance keeps pool states cached.
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Role } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { actorClients, type ActorClient } from './support/api-client';
import { mapConcurrently } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'two-instances-e2e-'.padEnd(48, 't');
const actor = (id: string, role: Role, division: string): Actor<Role> => ({ id, role, division });
const finance = actor('f-530325', 'finance', '530325');
const approver = actor('p-530325', 'approver', '530325');
const bank = actor('b-530325', 'bank', '530325');
const fundId = 'ti-2026-001';

describe('two instances on one database', () => {
  let databaseUrl: string;
  let a: { app: NestExpressApplication; server: Server };
  let b: { app: NestExpressApplication; server: Server };
  let viaA: (actor: Actor) => ActorClient;
  let viaB: (actor: Actor) => ActorClient;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'two_apps');
    a = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    b = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      RUN_PROJECTIONS: 'false',
      RUN_PROCESSORS: 'false',
    });
    viaA = actorClients(a.server, jwtSecret);
    viaB = actorClients(b.server, jwtSecret);
    await viaA(finance)
      .post('/funds', {
        fundId,
        name: '双实例测试资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325', amount: '100000.00' },
      })
      .expect(201);
  });

  afterAll(async () => {
    await b?.app.close();
    await a?.app.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function lifecycle(transferId: string): Promise<number[]> {
    const requested = await viaA(finance).post(`/funds/${fundId}/disbursements`, {
      transferId,
      divisionCode: '530325',
      beneficiary: { kind: 'person', id: `p-${transferId}`, name: '张三' },
      amount: '10.00',
    });
    const approved = await viaB(approver).post(`/disbursements/${transferId}/approve`);
    const settled = await viaA(bank).post(`/disbursements/${transferId}/settle`, {
      outcome: 'paid',
      bankReference: `ref-${transferId}`,
    });
    const statuses = [requested.status, approved.status, settled.status];
    // On a failure the problem types say which step refused and why.
    if (statuses.some((status) => status !== 201))
      console.error(
        `lifecycle ${transferId}: ${[requested, approved, settled].map((r) => `${r.status} ${r.body?.type ?? ''} ${r.body?.detail ?? ''}`).join(' | ')}`,
      );
    return statuses;
  }

  it('requests through A, approves through B and settles through A, ten times in a row', async () => {
    for (let i = 0; i < 10; i += 1) {
      expect({ i, statuses: await lifecycle(`ti-seq-${i}`) }).toEqual({
        i,
        statuses: [201, 201, 201],
      });
    }
    const pool = await viaB(approver).get(`/pools/${fundId}/530325`).expect(200);
    expect(pool.body).toMatchObject({ disbursed: '100.00', awaitingSettlementCount: 0 });
  });

  it('does the same with twenty lifecycles interleaved', async () => {
    const results = await mapConcurrently(
      Array.from({ length: 20 }, (_, i) => `ti-mix-${i}`),
      8,
      lifecycle,
    );
    expect(results.filter((statuses) => statuses.join() !== '201,201,201')).toEqual([]);
  });
});
