// Proves over real HTTP that a household exits poverty by data and procedure: evaluated against the Yunnan 2018 criteria just below the income line (not met, naming the criterion) and, after a correction, just above (met); the five steps only in order (409) and each by a role at its level (403), nothing written by a refusal; ExitApproved makes the card show it exited, a return to poverty re-opens it, and a year without shipped criteria is a 422.
import { Client } from 'pg';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'household-exit-e2e-secret-'.padEnd(48, 'x');
const village = '530325102202';
const householdId = `hh-${village}-1`;
const villageClerk: Actor = { id: 'v1', role: 'village_staff', division: village };
const townshipClerk: Actor = { id: 't1', role: 'village_staff', division: '530325102' };
const countyFinance: Actor = { id: 'c1', role: 'finance', division: '530325' };
const commission: Actor = { id: 'jw', role: 'commission', division: '530325' };

function member(idNumber: string, relation: string, schooling: string) {
  return {
    idNumber,
    name: '张三',
    relation,
    sex: Number(idNumber[16]) % 2 === 1 ? '男' : '女',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    health: '健康',
    schooling,
    labour: '普通劳动力',
  };
}

describe('household exit and return to poverty over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  const eventCount = async (): Promise<number> =>
    Number((await db.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]?.count);
  const path = (tail: string) => `/households/${householdId}/${tail}`;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'household_exit',
    );
    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const clerk = as(villageClerk);
    await clerk
      .post('/households', {
        householdId,
        villageCode: village,
        headName: '张三',
        address: '营上村',
        identificationStandard: '国家',
        attribute: '一般贫困户',
        mainCause: '缺资金',
        otherCauses: [],
        bankName: '信用社',
        bankAccount: '12345678',
        phone: '13800000000',
        identifiedYear: 2016,
      })
      .expect(201);
    await clerk
      .post(path('members'), member(makeIdNumber('530325', '19800215', '031'), '户主', '初中'))
      .expect(201);
    await clerk
      .post(path('members'), member(makeIdNumber('530325', '20080101', '051'), '之子', '在校生'))
      .expect(201);
    // 7,000.00 yuan for two members: 3,500.00 each, exactly on the line (it must be above).
    await clerk
      .post(path('incomes'), { recordId: 'w', year: 2018, incomeType: '工资性', amount: '7000.00' })
      .expect(201);
    await clerk
      .post(path('housing-assessments'), {
        safety: '安全',
        assessor: '李工',
        assessedOn: '2018-06-01',
      })
      .expect(201);
    await clerk
      .post(path('industry-projects'), { projectId: 'prj-cattle', joinedOn: '2018-04-01' })
      .expect(201);
    await clerk.post(path('policies'), { policy: '医疗', year: 2018 }).expect(201);
  });

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('evaluates just below the line as not met, naming the criterion, and just above as met', async () => {
    const below = await as(villageClerk)
      .post(path('exit-evaluations'), { evaluationId: 'e-below', year: 2018 })
      .expect(201);
    expect(below.body.data).toEqual({
      householdId,
      evaluationId: 'e-below',
      year: 2018,
      criteriaVersion: 'yn-2018',
      met: false,
      failed: [{ criterion: 'perCapitaNetIncome', required: 'above 3500.00', actual: '3500.00' }],
      perCapitaNetIncome: '3500.00',
    });
    await as(villageClerk)
      .post(path('incomes'), {
        recordId: 'w-fix',
        year: 2018,
        incomeType: '工资性',
        amount: '7000.02',
        correctsRecordId: 'w',
      })
      .expect(201);
    const above = await as(villageClerk)
      .post(path('exit-evaluations'), { evaluationId: 'e-above', year: 2018 })
      .expect(201);
    expect(above.body.data).toMatchObject({ met: true, failed: [], perCapitaNetIncome: '3500.01' });
    await as(villageClerk)
      .post(path('exit-evaluations'), { evaluationId: 'e-above', year: 2018 })
      .expect(200);
  });

  it('refuses a year without shipped criteria, and bad input, writing nothing', async () => {
    const before = await eventCount();
    expectProblem(
      await as(villageClerk).post(path('exit-evaluations'), { evaluationId: 'e-2020', year: 2020 }),
      422,
      ['year'],
    );
    expectProblem(
      await as(villageClerk).post(path('exit-steps'), { step: '乡审', date: '2018-10-01' }),
      400,
      ['step'],
    );
    expectProblem(
      await as(villageClerk).post(path('exit-steps'), { step: '申请', date: '2999-01-01' }),
      400,
      ['date'],
    );
    expectProblem(
      await as(villageClerk).post(path('returns-to-poverty'), { cause: '懒', date: '2018-01-01' }),
      400,
      ['cause'],
    );
    expect(await eventCount()).toBe(before);
  });

  it('runs the procedure in order, each step by its level, then a return to poverty re-opens the household', async () => {
    const before = await eventCount();
    expectProblem(
      await as(villageClerk).post(path('exit-steps'), { step: '村评议', date: '2018-10-05' }),
      409,
    );
    expectProblem(
      await as(villageClerk).post(path('exit-steps'), {
        step: '申请',
        date: '2018-10-01',
        evaluationId: 'e-below',
      }),
      409,
      ['evaluationId'],
    );
    expect(await eventCount()).toBe(before);

    await as(villageClerk)
      .post(path('exit-steps'), { step: '申请', date: '2018-10-01', evaluationId: 'e-above' })
      .expect(201);
    await as(villageClerk)
      .post(path('exit-steps'), {
        step: '村评议',
        date: '2018-10-05',
        note: '村民代表大会评议通过',
      })
      .expect(201);
    expectProblem(
      await as(villageClerk).post(path('exit-steps'), { step: '乡镇审核', date: '2018-10-10' }),
      403,
    );
    await as(townshipClerk)
      .post(path('exit-steps'), { step: '乡镇审核', date: '2018-10-10' })
      .expect(201);
    expectProblem(
      await as(townshipClerk).post(path('exit-steps'), {
        step: '公示',
        date: '2018-10-11',
        endDate: '2018-10-17',
      }),
      422,
      ['endDate'],
    );
    await as(townshipClerk)
      .post(path('exit-steps'), { step: '公示', date: '2018-10-11', endDate: '2018-10-18' })
      .expect(201);
    expectProblem(
      await as(townshipClerk).post(path('exit-steps'), { step: '县审批', date: '2018-10-20' }),
      403,
    );
    const approved = await as(countyFinance)
      .post(path('exit-steps'), { step: '县审批', date: '2018-10-20' })
      .expect(201);
    expect(approved.body.type).toBe('ExitApproved');

    const exited = await eventually(async () => {
      const card = await as(commission)
        .get(`${path('card')}`)
        .expect(200);
      expect(card.body.status).toBe('exited');
      return card.body;
    });
    expect(exited.exit.procedure.steps.map((s: { step: string }) => s.step)).toEqual([
      '申请',
      '村评议',
      '乡镇审核',
      '公示',
      '县审批',
    ]);
    expect(exited.exit).toMatchObject({ exitedOn: '2018-10-20', returns: [] });

    const back = await as(villageClerk)
      .post(path('returns-to-poverty'), { cause: '因灾', date: '2019-07-01' })
      .expect(201);
    expect(back.body.metadata.reason).toBe('因灾');
    expectProblem(
      await as(villageClerk).post(path('returns-to-poverty'), {
        cause: '因病',
        date: '2019-08-01',
      }),
      409,
    );
    await eventually(async () => {
      const card = await as(commission).get(path('card')).expect(200);
      expect(card.body).toMatchObject({
        status: 'returned',
        exit: { returns: [{ cause: '因灾', date: '2019-07-01' }] },
      });
    });
    const list = await as(commission).get('/households?status=returned').expect(200);
    expect(list.body.items.map((item: { householdId: string }) => item.householdId)).toEqual([
      householdId,
    ]);
    // The county's dashboard counts the exit in the year of its approval and the return in its own.
    for (const [year, exited, returned] of [
      [2018, 1, 0],
      [2019, 0, 1],
    ] as const) {
      await eventually(async () => {
        const dashboard = await as(commission)
          .get(`/dashboards/530325/households?year=${year}`)
          .expect(200);
        expect(dashboard.body).toMatchObject({
          households: 1,
          people: 2,
          exitedThisYear: exited,
          exitedTotal: 1,
          returnedThisYear: returned,
          returnedTotal: 1,
        });
      });
    }
  });
});
