// Proves 防止返贫动态监测 over real HTTP: monitoring candidates are the households of a division whose recorded per-capita net income for a year is strictly below that year's line from data (6,899.99 listed, 6,900.00 not, no income not), lowest first, and not monitored; identifying a household as monitored takes it off the list and shows on its card, 风险消除 a day before the required months is a 409 and on the day a 201 naming the rules version, after which it is a candidate again; a year without a line is a 422, bad input a 400 naming the field, and a clerk of another township gets 403 — none of which writes anything.
import { Client } from 'pg';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'household-monitoring-e2e-secret-'.padEnd(48, 'x');
// 营上村 of 营上镇 (530325102) in 富源县; 黄泥河镇 (530325103) is another township.
const village = '530325102202';
const clerk: Actor = { id: 'v1', role: 'village_staff', division: '530325102' };
const otherClerk: Actor = { id: 'v2', role: 'village_staff', division: '530325103' };
const commission: Actor = { id: 'jw', role: 'commission', division: '530325' };

const householdId = (n: number) => `hh-${village}-${n}`;
const candidatesPath = '/households/monitoring-candidates?division=530325102&year=2023';

describe('monitoring for return to poverty over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  const eventCount = async (): Promise<number> =>
    Number((await db.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]?.count);

  /** Registers household n with `members` members and, when given, 2023 wage income in yuan. */
  async function household(n: number, members: number, income?: string): Promise<void> {
    const client = as(clerk);
    await client
      .post('/households', {
        householdId: householdId(n),
        villageCode: village,
        headName: `户主${n}`,
        address: '营上村',
        identificationStandard: '国家',
        attribute: '一般贫困户',
        mainCause: '因病',
        otherCauses: [],
        bankName: '信用社',
        bankAccount: '12345678',
        phone: '13800000000',
        identifiedYear: 2016,
      })
      .expect(201);
    for (let m = 0; m < members; m += 1) {
      const idNumber = makeIdNumber('530325', `1970010${m + 1}`, `${n}${m}1`.padStart(3, '0'));
      await client
        .post(`/households/${householdId(n)}/members`, {
          idNumber,
          name: `成员${n}-${m}`,
          relation: m === 0 ? '户主' : '配偶',
          sex: '男',
          birthDate: `1970-01-0${m + 1}`,
          health: '健康',
          schooling: '初中',
          labour: '普通劳动力',
        })
        .expect(201);
    }
    if (income !== undefined) {
      await client
        .post(`/households/${householdId(n)}/incomes`, {
          recordId: 'w2023',
          year: 2023,
          incomeType: '工资性',
          amount: income,
        })
        .expect(201);
    }
  }

  const candidateIds = async (actor: Actor = clerk): Promise<string[]> => {
    const response = await as(actor).get(candidatesPath).expect(200);
    return (response.body.items as { householdId: string }[]).map((item) => item.householdId);
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'household_monitoring',
    );
    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await household(1, 2, '10000.00'); // 5,000.00 each
    await household(2, 1, '8000.00'); // above the line
    await household(3, 1, '6899.99'); // just below
    await household(4, 1, '6900.00'); // on the line: not below it
    await household(5, 1); // no income recorded for 2023
  });

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('lists the unmonitored households below the year’s line, lowest first', async () => {
    const answer = await eventually(async () => {
      const response = await as(commission).get(candidatesPath).expect(200);
      expect(response.body.total).toBe(2);
      return response.body;
    });
    expect(answer).toEqual({
      year: 2023,
      incomeLine: '6900.00',
      rulesVersion: 'yn-monitoring-2023',
      items: [
        expect.objectContaining({ householdId: householdId(1), perCapitaNet: '5000.00' }),
        expect.objectContaining({ householdId: householdId(3), perCapitaNet: '6899.99' }),
      ],
      total: 2,
      limit: 20,
      offset: 0,
    });
    const defaulted = await as(clerk).get('/households/monitoring-candidates').expect(200);
    expect(defaulted.body).toMatchObject({ year: 2023, total: 2 });
    const paged = await as(clerk).get(`${candidatesPath}&limit=1&offset=1`).expect(200);
    expect(paged.body.items.map((item: { householdId: string }) => item.householdId)).toEqual([
      householdId(3),
    ]);
  });

  it('refuses a year without a line, bad queries and another township, writing nothing', async () => {
    const before = await eventCount();
    expectProblem(
      await as(clerk).get('/households/monitoring-candidates?division=530325102&year=2022'),
      422,
      ['year'],
    );
    expectProblem(
      await as(clerk).get('/households/monitoring-candidates?division=530325102&year=abc'),
      400,
      ['year'],
    );
    expectProblem(await as(otherClerk).get(candidatesPath), 403);
    expectProblem(
      await as(otherClerk).post(`/households/${householdId(1)}/monitorings`, {
        monitoringId: 'm1',
        monitoringType: '突发严重困难户',
        riskTypes: ['因病'],
        measures: ['健康帮扶'],
        identifiedOn: '2023-03-01',
      }),
      403,
    );
    expectProblem(
      await as(clerk).post(`/households/${householdId(1)}/monitorings`, {
        monitoringId: 'm1',
        monitoringType: '突发严重困难户',
        riskTypes: [],
        measures: ['健康帮扶'],
        identifiedOn: '2023-03-01',
      }),
      400,
      ['riskTypes'],
    );
    expectProblem(
      await as(clerk).post(`/households/${householdId(1)}/monitorings`, {
        monitoringId: 'm1',
        monitoringType: '脱贫不稳定户',
        riskTypes: ['因病'],
        measures: ['健康帮扶'],
        identifiedOn: '2023-03-01',
      }),
      409,
      ['monitoringType'],
    );
    expect(await eventCount()).toBe(before);
  });

  it('monitors, refuses 风险消除 before the period, accepts it on the day, and lists the household again', async () => {
    const path = `/households/${householdId(1)}`;
    const startBody = {
      monitoringId: 'm1',
      monitoringType: '突发严重困难户',
      riskTypes: ['因病', '因意外事故'],
      measures: ['健康帮扶', '综合保障'],
      identifiedOn: '2023-03-01',
    };
    const startedEvent = await as(clerk).post(`${path}/monitorings`, startBody).expect(201);
    expect(startedEvent.body).toMatchObject({
      type: 'MonitoringStarted',
      data: { householdId: householdId(1), ...startBody },
    });
    await as(clerk).post(`${path}/monitorings`, startBody).expect(200);
    await eventually(async () => expect(await candidateIds()).toEqual([householdId(3)]));
    const card = await as(clerk).get(`${path}/card`).expect(200);
    expect(card.body).toMatchObject({
      monitored: true,
      monitorings: [expect.objectContaining({ monitoringId: 'm1', eliminatedOn: null })],
    });

    const before = await eventCount();
    expectProblem(
      await as(clerk).post(`${path}/risk-eliminations`, {
        monitoringId: 'm1',
        eliminatedOn: '2023-08-31',
      }),
      409,
      ['eliminatedOn'],
    );
    expect(await eventCount()).toBe(before);
    const closed = await as(clerk)
      .post(`${path}/risk-eliminations`, { monitoringId: 'm1', eliminatedOn: '2023-09-01' })
      .expect(201);
    expect(closed.body).toMatchObject({
      type: 'RiskEliminated',
      data: {
        monitoringId: 'm1',
        monitoringType: '突发严重困难户',
        eliminatedOn: '2023-09-01',
        rulesVersion: 'yn-monitoring-2023',
      },
    });
    await eventually(async () =>
      expect(await candidateIds()).toEqual([householdId(1), householdId(3)]),
    );
    const after = await as(clerk).get(`${path}/card`).expect(200);
    expect(after.body).toMatchObject({
      monitored: false,
      monitorings: [expect.objectContaining({ monitoringId: 'm1', eliminatedOn: '2023-09-01' })],
    });
  });

  it('shows the household figures on the dashboards of the village, the township and above', async () => {
    const expected = {
      households: 5,
      people: 6,
      byAttribute: { 一般贫困户: 5, 低保贫困户: 0, 特困供养贫困户: 0 },
      monitoredByType: { 脱贫不稳定户: 0, 边缘易致贫户: 0, 突发严重困难户: 0 },
      monitoredTotal: 0,
      monitoringsStarted: 1,
      risksEliminatedThisYear: 1,
      risksEliminatedTotal: 1,
      exitedTotal: 0,
      returnedTotal: 0,
    };
    for (const code of [village, '530325102', '530325', '53']) {
      await eventually(async () => {
        const dashboard = await as({ id: 'adm', role: 'admin', division: '53' })
          .get(`/dashboards/${code}/households?year=2023`)
          .expect(200);
        expect(dashboard.body).toMatchObject({ divisionCode: code, year: 2023, ...expected });
        expect(dashboard.body.byMainCause).toMatchObject({ 因病: 5, 缺资金: 0 });
        expect(dashboard.body.readModelPosition).toEqual(expect.any(String));
      });
    }
    const otherTownship = await as(otherClerk).get('/dashboards/530325103/households').expect(200);
    expect(otherTownship.body).toMatchObject({ households: 0, people: 0, lastPosition: null });
    expectProblem(await as(otherClerk).get('/dashboards/530325102/households'), 403);
    expectProblem(await as(commission).get('/dashboards/530399/households'), 404);
    expectProblem(await as(commission).get('/dashboards/530325/households?year=1999'), 400, [
      'year',
    ]);
  });
});
