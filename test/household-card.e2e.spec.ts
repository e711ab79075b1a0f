// Proves over real HTTP that the household register's read side works from its projections: a household with members, income this year and last, housing, helper, policy and industry project shows on its card (明白卡) with per-capita net income and every payment the ledger made to the household or its members (fund, amount, approver); the list filters inside the caller's jurisdiction and names bad parameters; /people/:idNumber says which household a person is in and since when, and nothing outside the caller's jurisdiction.
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'household-card-e2e-secret-'.padEnd(48, 'c');
const township = '530325102'; // 营上镇
const village = '530325102202'; // 营上村
const otherVillage = '530325102203'; // 大粟村, same township
const householdId = `hh-${village}-1`;
const neighbourId = `hh-${otherVillage}-1`;

const clerk: Actor = { id: 'clerk-ys', role: 'village_staff', division: township };
const finance: Actor = { id: 'fin-ys', role: 'finance', division: township };
const approver: Actor = { id: 'appr-ys', role: 'approver', division: township };
const bank: Actor = { id: 'bank-ys', role: 'bank', division: township };
const commission: Actor = { id: 'jw-ys', role: 'commission', division: township };
const otherCommission: Actor = { id: 'jw-hnh', role: 'commission', division: '530325103' };

const headId = makeIdNumber('530325', '19800215', '031');
const wifeId = makeIdNumber('530325', '19820704', '042');
const sonId = makeIdNumber('530325', '20080101', '051');
const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));

function member(idNumber: string, name: string, relation: string) {
  return {
    idNumber,
    name,
    relation,
    sex: Number(idNumber[16]) % 2 === 1 ? '男' : '女',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    health: '健康',
    schooling: '初中',
    labour: '普通劳动力',
  };
}

function registration(id: string, villageCode: string, extra: object = {}) {
  return {
    householdId: id,
    villageCode,
    headName: '阿呷·木乃',
    address: '营上镇营上村12号',
    identificationStandard: '国家',
    attribute: '一般贫困户',
    mainCause: '因病',
    otherCauses: ['缺技术'],
    bankName: '富源县农村信用合作联社',
    bankAccount: '6217000012345678',
    phone: '13800000000',
    identifiedYear: 2016,
    ...extra,
  };
}

describe('household card and queries over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let as: (actor: Actor) => ActorClient;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'household_card',
    );
    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);

    await as(clerk).post('/households', registration(householdId, village)).expect(201);
    await as(clerk)
      .post(
        '/households',
        registration(neighbourId, otherVillage, {
          headName: '张三',
          attribute: '低保贫困户',
          mainCause: '缺资金',
          otherCauses: [],
        }),
      )
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/members`, member(headId, '阿呷·木乃', '户主'))
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/members`, member(wifeId, '吉克·阿依', '配偶'))
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/members`, member(sonId, '木乃·拉且', '之子'))
      .expect(201);
    const income = (recordId: string, year: number, incomeType: string, amount: string) =>
      as(clerk)
        .post(`/households/${householdId}/incomes`, { recordId, year, incomeType, amount })
        .expect(201);
    await income('wage-last', thisYear - 1, '工资性', '9000.00');
    await income('farm-last', thisYear - 1, '生产经营性', '4000.00');
    await income('cost-last', thisYear - 1, '生产经营性支出', '2500.00');
    await income('wage-now', thisYear, '工资性', '12000.00');
    await as(clerk)
      .post(`/households/${householdId}/housing-assessments`, {
        safety: '安全',
        assessor: '县住建局 李工',
        assessedOn: `${thisYear - 1}-06-01`,
      })
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/helpers`, {
        name: '王芳',
        unit: '富源县财政局',
        phone: '13900000000',
      })
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/policies`, {
        policy: '教育',
        year: thisYear - 1,
        description: '雨露计划',
      })
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/industry-projects`, {
        projectId: 'prj-cattle',
        joinedOn: `${thisYear - 1}-04-01`,
      })
      .expect(201);

    // The ledger pays the household once as a household and once to the son's ID number.
    await as(finance)
      .post('/funds', {
        fundId: 'fy-hh-001',
        name: '产业发展资金',
        fiscalYear: thisYear,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '100000.00' },
      })
      .expect(201);
    const pay = async (transferId: string, beneficiary: object, amount: string) => {
      await eventually(async () => {
        await as(finance)
          .post('/funds/fy-hh-001/disbursements', {
            transferId,
            divisionCode: township,
            beneficiary,
            amount,
          })
          .expect(201);
      });
      await as(approver).post(`/disbursements/${transferId}/approve`).expect(201);
      await as(bank)
        .post(`/disbursements/${transferId}/settle`, {
          outcome: 'paid',
          bankReference: `RCC-${transferId}`,
        })
        .expect(201);
    };
    await pay(
      'd-hh-1',
      { kind: 'household', id: householdId, name: '阿呷·木乃', idNumber: headId },
      '3600.00',
    );
    await pay(
      'd-hh-2',
      { kind: 'person', id: sonId, name: '木乃·拉且', idNumber: sonId },
      '1500.00',
    );
  });

  afterAll(async () => {
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('shows the card with members, income this year and last, and the payments the ledger made', async () => {
    const card = await eventually(async () => {
      const response = await as(commission).get(`/households/${householdId}/card`).expect(200);
      expect(response.body.payments).toHaveLength(2);
      expect(
        response.body.payments.every(
          (payment: { paidAt: string | null }) => payment.paidAt !== null,
        ),
      ).toBe(true);
      return response.body;
    });
    expect(card).toMatchObject({
      householdId,
      villageCode: village,
      villageName: '营上村民委员会',
      headName: '阿呷·木乃',
      status: 'registered',
      helper: { name: '王芳', unit: '富源县财政局', phone: '13900000000' },
      housing: { safety: '安全' },
      industryProjects: [{ projectId: 'prj-cattle' }],
      policies: [{ policy: '教育', year: thisYear - 1, description: '雨露计划' }],
      paidTotal: '5100.00',
    });
    expect(card.members.map((m: { name: string }) => m.name)).toEqual([
      '阿呷·木乃',
      '吉克·阿依',
      '木乃·拉且',
    ]);
    expect(card.income).toEqual([
      {
        year: thisYear,
        gross: '12000.00',
        cost: '0.00',
        net: '12000.00',
        perCapitaNet: '4000.00',
        memberCount: 3,
        sources: ['工资性'],
      },
      {
        year: thisYear - 1,
        gross: '13000.00',
        cost: '2500.00',
        net: '10500.00',
        perCapitaNet: '3500.00',
        memberCount: 3,
        sources: ['工资性', '生产经营性'],
      },
    ]);
    expect(card.payments).toEqual([
      expect.objectContaining({
        fundId: 'fy-hh-001',
        transferId: 'd-hh-1',
        amount: '3600.00',
        approvedBy: approver.id,
        status: 'paid',
      }),
      expect.objectContaining({
        fundId: 'fy-hh-001',
        transferId: 'd-hh-2',
        amount: '1500.00',
        approvedBy: approver.id,
        beneficiary: { kind: 'person', name: '木乃·拉且', idNumber: sonId },
      }),
    ]);
  });

  it('gives each payment on the card the log position to ask an inclusion proof about', async () => {
    const card = (await as(commission).get(`/households/${householdId}/card`).expect(200)).body;
    for (const payment of card.payments as {
      transferId: string;
      position: string;
      positions: string[];
    }[]) {
      // Request, approval, payment: the request first.
      expect(payment.positions).toHaveLength(3);
      expect(payment.positions[0]).toBe(payment.position);
      const treeSize = payment.positions.at(-1);
      const proof = await eventually(async () =>
        as(commission)
          .get(`/log/proofs/inclusion?position=${payment.position}&treeSize=${treeSize}`)
          .expect(200),
      );
      expect(proof.body.event).toMatchObject({
        position: payment.position,
        type: 'DisbursementRequested',
        data: expect.objectContaining({ transferId: payment.transferId }),
      });
    }
  });

  it('answers the household itself, and 403 or 404 outside what the caller may see', async () => {
    const household = await as(clerk).get(`/households/${householdId}`).expect(200);
    expect(household.body.incomes).toHaveLength(4);
    expect(household.body.incomes[0]).toMatchObject({
      recordId: 'wage-last',
      amount: '9000.00',
      correctsRecordId: null,
    });
    expectProblem(await as(otherCommission).get(`/households/${householdId}/card`), 403);
    expectProblem(await as(commission).get(`/households/hh-${village}-99/card`), 404);
    expectProblem(await as(commission).get('/households/not-an-id'), 404);
  });

  it("lists households inside a division by attribute, cause and the head's name", async () => {
    const all = await as(commission).get(`/households?division=${township}`).expect(200);
    expect(all.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(all.body.items.map((item: { householdId: string }) => item.householdId)).toEqual([
      householdId,
      neighbourId,
    ]);
    const low = await as(commission)
      .get(`/households?attribute=${encodeURIComponent('低保贫困户')}`)
      .expect(200);
    expect(low.body.items.map((item: { householdId: string }) => item.householdId)).toEqual([
      neighbourId,
    ]);
    const byCause = await as(commission)
      .get(`/households?division=${village}&cause=${encodeURIComponent('因病')}&status=registered`)
      .expect(200);
    expect(byCause.body).toMatchObject({ total: 1, items: [{ householdId, memberCount: 3 }] });
    const byName = await as(commission)
      .get(`/households?q=${encodeURIComponent('阿呷')}`)
      .expect(200);
    expect(byName.body.total).toBe(1);
    expectProblem(await as(commission).get('/households?attribute=x'), 400, ['attribute']);
    expectProblem(await as(commission).get('/households?cause=x'), 400, ['cause']);
    expectProblem(await as(commission).get('/households?limit=1000'), 400, ['limit']);
    expectProblem(await as(commission).get('/households?division=999999'), 400, ['division']);
    expectProblem(await as(otherCommission).get(`/households?division=${township}`), 403);
  });

  it('says which household a person belongs to and since when, to whom may see it', async () => {
    const person = await as(commission).get(`/people/${sonId}`).expect(200);
    expect(person.body).toMatchObject({
      idNumber: sonId,
      name: '木乃·拉且',
      householdId,
      active: true,
      relation: '之子',
    });
    expect(person.body.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(person.body.stays).toEqual([
      { householdId, since: person.body.since, until: null, reason: null },
    ]);
    expectProblem(await as(otherCommission).get(`/people/${sonId}`), 404);
    expectProblem(
      await as(commission).get(`/people/${makeIdNumber('530325', '19500101', '011')}`),
      404,
    );
    expectProblem(await as(commission).get('/people/12345'), 400, ['idNumber']);
    expectProblem(await as(clerk).get(`/people/${sonId}`), 403);
  });
});
