// Proves over real HTTP that the defects an outside review found in the ledger stay fixed: deep, prototype-keyed or key-flooded bodies, NUL bytes and array-shaped query parameters are 400s naming the field (never 500s, never writes); an admin cannot read a village's streams outside its jurisdiction, nor any stream of an undescribed category; a pool of an unknown fund is a 404; a refusal of a reused transfer id names nothing of the pool that holds it; a future birth date and an invisible name are refused.
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { signAccessToken, type Role } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { makeIdNumber } from '@sunlight/geo';
import { actorClients, apiPrefix, expectProblem, type ActorClient } from './support/api-client';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'hardening-e2e-secret-'.padEnd(48, 'h');
const actor = (id: string, role: Role, division: string): Actor<Role> => ({ id, role, division });
const users = {
  province: actor('f-53', 'finance', '53'),
  fuyuan: actor('f-530325', 'finance', '530325'),
  luliang: actor('f-530322', 'finance', '530322'),
  admin5303: actor('a-5303', 'admin', '5303'),
  villageStaff: actor('v-530325', 'village_staff', '530325'),
};
const fundId = 'hd-2026-001';
const authorizationOf = (user: Actor) => `Bearer ${signAccessToken(jwtSecret, { actor: user })}`;

describe('hardening over HTTP', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let server: Server;
  let db: Client;
  let as: (actor: Actor) => ActorClient;

  async function eventCount(): Promise<number> {
    const { rows } = await db.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM events',
    );
    return Number(rows[0].count);
  }

  /** Sends, expects a problem+json refusal naming `fields`, and that nothing was written. */
  async function refused(
    send: () => request.Test,
    status: number,
    fields: readonly string[] = [],
  ): Promise<request.Response> {
    const before = await eventCount();
    const response = await send();
    expectProblem(response, status, fields);
    expect(await eventCount()).toBe(before);
    return response;
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'hardening');
    ({ app, server } = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret }));
    as = actorClients(server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await as(users.province)
      .post('/funds', {
        fundId,
        name: '加固测试资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '省级财政',
        appropriation: { divisionCode: '530325', amount: '100000.00' },
      })
      .expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const disbursement = (overrides: Record<string, unknown> = {}) => ({
    transferId: 'hd-d-1',
    divisionCode: '530325',
    beneficiary: { kind: 'person', id: 'p-1', name: '张三' },
    amount: '10.00',
    ...overrides,
  });

  it('refuses a body nested 5,000 levels deep with 400, not a stack overflow', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await refused(
      () =>
        request(server)
          .post(`${apiPrefix}/funds/${fundId}/disbursements`)
          .set('Authorization', authorizationOf(users.fuyuan))
          .set('Content-Type', 'application/json')
          .send(deep),
      400,
    );
    expect(response.body.errors[0].message).toBe('nests deeper than 32 levels');
  });

  it.each(['__proto__', 'constructor'])('refuses a %s key in the body, naming it', async (key) => {
    const body = JSON.parse(
      JSON.stringify(disbursement()).replace('"beneficiary":{', `"beneficiary":{"${key}":{"x":1},`),
    );
    await refused(() => as(users.fuyuan).post(`/funds/${fundId}/disbursements`, body), 400, [
      `beneficiary.${key}`,
    ]);
  });

  it('answers 20,000 unknown keys with a short 400', async () => {
    const body: Record<string, unknown> = disbursement();
    for (let i = 0; i < 900; i += 1) body[`unknown${i}`] = i;
    const response = await refused(
      () => as(users.fuyuan).post(`/funds/${fundId}/disbursements`, body),
      400,
    );
    expect(response.body.errors.length).toBeLessThanOrEqual(20);
    expect(JSON.stringify(response.body).length).toBeLessThan(4_000);
    const flood = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const flooded = await refused(
      () => as(users.fuyuan).post(`/funds/${fundId}/disbursements`, flood),
      400,
    );
    expect(JSON.stringify(flooded.body).length).toBeLessThan(4_000);
  });

  it('refuses a NUL byte in a stream name or a query value with 400', async () => {
    await refused(() => as(users.admin5303).get('/streams/fund-%00/events'), 400, ['path']);
    await refused(() => as(users.admin5303).get('/history/streams/fund-x%00'), 400, ['path']);
    await refused(() => as(users.province).get(`/history/streams/fund-${fundId}?asOf=1%00`), 400, [
      'asOf',
    ]);
  });

  it('refuses array-shaped and repeated query parameters instead of ignoring them', async () => {
    await refused(() => as(users.province).get(`/streams/fund-${fundId}/events?limit[]=1`), 400, [
      'limit[]',
    ]);
    await refused(
      () => as(users.province).get(`/streams/fund-${fundId}/events?limit=1&limit=2`),
      400,
      ['limit'],
    );
  });

  it("keeps an admin to its jurisdiction on a village's groups stream, and refuses undescribed streams", async () => {
    await as(users.villageStaff)
      .post('/divisions/530325001001/groups', { groupNumber: 1, name: '第一村民小组' })
      .expect(201);
    const outside = actor('a-5301', 'admin', '5301');
    await refused(() => as(outside).get('/streams/villagegroups-530325001001/events'), 403);
    await refused(() => as(outside).get('/history/streams/villagegroups-530325001001'), 403);
    const inside = await as(users.admin5303)
      .get('/streams/villagegroups-530325001001/events')
      .expect(200);
    expect(inside.body.events).toHaveLength(1);
    await refused(() => as(actor('a-53', 'admin', '53')).get('/streams/secret-1/events'), 404);
  });

  it('answers a pool of an unknown fund with 404', async () => {
    await refused(() => as(users.province).get('/pools/no-such-fund/530325'), 404);
    await as(users.province).get(`/pools/${fundId}/530325`).expect(200);
  });

  it('does not tell a county that another county holds the transfer id it reused', async () => {
    await as(users.fuyuan).post(`/funds/${fundId}/disbursements`, disbursement()).expect(201);
    // Lùliáng county (530322) has a pool of its own fund; its user reuses Fùyuán's id.
    await as(users.province)
      .post('/funds', {
        fundId: 'hd-2026-002',
        name: '陆良县资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530322', amount: '1000.00' },
      })
      .expect(201);
    const response = await refused(
      () =>
        as(users.luliang).post(
          '/funds/hd-2026-002/disbursements',
          disbursement({ divisionCode: '530322' }),
        ),
      409,
      ['transferId'],
    );
    expect(JSON.stringify(response.body)).not.toMatch(/530325|hd-2026-001|pool-/);
  });

  it('claims a new transfer id once across pools when two counties post it at the same moment', async () => {
    const checker = actor('p-53', 'approver', '53');
    for (let trial = 0; trial < 15; trial += 1) {
      const transferId = `hd-race-${trial}`;
      const before = await eventCount();
      const [fuyuan, luliang] = await Promise.all([
        as(users.fuyuan).post(`/funds/${fundId}/disbursements`, disbursement({ transferId })),
        as(users.luliang).post(
          '/funds/hd-2026-002/disbursements',
          disbursement({ transferId, divisionCode: '530322' }),
        ),
      ]);
      expect({ trial, statuses: [fuyuan.status, luliang.status].sort() }).toEqual({
        trial,
        statuses: [201, 409],
      });
      expect(await eventCount()).toBe(before + 1);
      // The reservation can still be decided: approval finds the one pool that holds the id.
      await as(checker).post(`/disbursements/${transferId}/approve`).expect(201);
    }
  });

  it('refuses a birth date in the future and a name made of invisible characters', async () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    const unborn = makeIdNumber('530325', `${nextYear}0101`, '001');
    await refused(
      () =>
        as(users.fuyuan).post(
          `/funds/${fundId}/disbursements`,
          disbursement({
            transferId: 'hd-d-2',
            beneficiary: { kind: 'person', id: 'p-2', name: '李四', idNumber: unborn },
          }),
        ),
      400,
      ['beneficiary.idNumber'],
    );
    for (const name of ['\u200b\u200b', '\u200d', '\u0001\u0002']) {
      await refused(
        () =>
          as(users.fuyuan).post(
            `/funds/${fundId}/disbursements`,
            disbursement({
              transferId: 'hd-d-3',
              beneficiary: { kind: 'person', id: 'p-3', name },
            }),
          ),
        400,
        ['beneficiary.name'],
      );
    }
    // Real names in any script pass, exactly as sent.
    const written = await as(users.fuyuan)
      .post(
        `/funds/${fundId}/disbursements`,
        disbursement({
          transferId: 'hd-d-4',
          beneficiary: { kind: 'person', id: 'p-4', name: '阿都·木呷 ꆈꌠ' },
        }),
      )
      .expect(201);
    expect(written.body.data.beneficiary.name).toBe('阿都·木呷 ꆈꌠ');
  });
});
