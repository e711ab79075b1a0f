// Proves over real HTTP that the household register (建档立卡) works end to end: registration and its idempotent repeat, members whose ID number is claimed across the whole system (a 409 naming the other household only to a caller who may see it, the claim released by a removal, exactly one winner among 8 concurrent adds of one person), Unicode names round-tripping exactly, every bad field refused with a 400 naming it and nothing written, and jurisdiction checked on writes and on /streams and /history.
import { Client } from 'pg';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'households-e2e-secret-'.padEnd(48, 'h');
// 营上村 of 营上镇 (530325102) and 五乐 of 黄泥河镇 (530325103), both in 富源县 (530325).
const village = '530325102202';
const otherTownshipVillage = '530325103002';

const clerk: Actor = { id: 'clerk-ys', role: 'village_staff', division: '530325102' };
const otherClerk: Actor = { id: 'clerk-hnh', role: 'village_staff', division: '530325103' };
const countyClerk: Actor = { id: 'clerk-county', role: 'village_staff', division: '530325' };
const commission: Actor = { id: 'jw-1', role: 'commission', division: '530325102' };
const otherCommission: Actor = { id: 'jw-2', role: 'commission', division: '530325103' };
const finance: Actor = { id: 'fin-1', role: 'finance', division: '530325' };

const headName = '阿呷·木乃'; // a Yi name transliterated with the middle dot
const yiScriptName = 'ꀉꂿ ꃀꆈ'; // the same kind of name in Yi script

function registration(householdId: string, villageCode = village, extra: object = {}) {
  return {
    householdId,
    villageCode,
    headName,
    address: '营上镇营上村第三村民小组12号',
    identificationStandard: '国家',
    attribute: '一般贫困户',
    mainCause: '因病',
    otherCauses: ['缺技术'],
    bankName: '富源县农村信用合作联社',
    bankAccount: '6217 0000 1234 5678',
    phone: '13800000000',
    identifiedYear: 2016,
    ...extra,
  };
}

function member(idNumber: string, extra: object = {}) {
  const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  return {
    idNumber,
    name: headName,
    relation: '户主',
    sex: Number(idNumber[16]) % 2 === 1 ? '男' : '女',
    birthDate: birth,
    health: '健康',
    schooling: '初中',
    labour: '普通劳动力',
    ...extra,
  };
}

describe('households over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let db: Client;
  let as: (actor: Actor) => ActorClient;

  const eventCount = async (): Promise<number> =>
    Number((await db.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]?.count);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'households');
    started = await startTestApp({
      DATABASE_URL: databaseUrl,
      PG_POOL_SIZE: '4',
      JWT_SECRET: jwtSecret,
    });
    as = actorClients(started.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('registers a household, replays an identical repeat and refuses the id with other facts', async () => {
    const body = registration(`hh-${village}-1`);
    const created = await as(clerk).post('/households', body).expect(201);
    expect(created.headers['idempotent-replayed']).toBe('false');
    expect(created.body).toMatchObject({
      streamName: `household-hh-${village}-1`,
      revision: '0',
      type: 'HouseholdRegistered',
      data: {
        householdId: `hh-${village}-1`,
        villageCode: village,
        headName,
        bankAccount: '6217000012345678',
      },
      metadata: { actor: { id: clerk.id, role: 'village_staff', division: '530325102' } },
    });
    const repeat = await as(clerk).post('/households', body).expect(200);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(created.body);
    const conflict = await as(clerk).post('/households', { ...body, headName: '张三' });
    expectProblem(conflict, 409, ['householdId']);
  });

  it('registers a household in a registered village group (村民小组) of its village', async () => {
    await as(clerk)
      .post(`/divisions/${village}/groups`, { groupNumber: 3, name: '第三村民小组' })
      .expect(201);
    const response = await as(clerk)
      .post(
        '/households',
        registration(`hh-${village}-5`, village, { villageGroupCode: `${village}-3` }),
      )
      .expect(201);
    expect(response.body.data.villageGroupCode).toBe(`${village}-3`);
    expectProblem(
      await as(clerk).post(
        '/households',
        registration(`hh-${village}-6`, village, { villageGroupCode: `${village}-4` }),
      ),
      400,
      ['villageGroupCode'],
    );
  });

  it('keeps Chinese, Yi-script and dotted names exactly as written', async () => {
    const householdId = `hh-${village}-2`;
    await as(clerk)
      .post('/households', registration(householdId, village, { headName: yiScriptName }))
      .expect(201);
    const added = await as(clerk)
      .post(
        `/households/${householdId}/members`,
        member(makeIdNumber('530325', '19900101', '011'), { name: yiScriptName }),
      )
      .expect(201);
    expect(added.body.data.name).toBe(yiScriptName);
    const stored = await db.query<{ data: { headName: string } }>(
      "SELECT data FROM events WHERE stream_name = $1 AND type = 'HouseholdRegistered'",
      [`household-${householdId}`],
    );
    expect(stored.rows[0]?.data.headName).toBe(yiScriptName);
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    const householdId = `hh-${village}-3`;
    beforeAll(async () => {
      await as(clerk).post('/households', registration(householdId)).expect(201);
    });

    it.each([
      ['an unknown main cause', { mainCause: '懒惰' }, 'mainCause'],
      ['an unknown attribute', { attribute: '五保户' }, 'attribute'],
      ['three other causes', { otherCauses: ['缺技术', '缺资金', '缺水'] }, 'otherCauses'],
      ['an unknown other cause', { otherCauses: ['懒惰'] }, 'otherCauses'],
      [
        'a village code that does not exist',
        { householdId: 'hh-530325102999-1', villageCode: '530325102999' },
        'villageCode',
      ],
      [
        'a group that does not belong to the village',
        { villageGroupCode: '530325103002-1' },
        'villageGroupCode',
      ],
      ['an id of another village', { householdId: `hh-${otherTownshipVillage}-9` }, 'householdId'],
      ['a future identification year', { identifiedYear: 2999 }, 'identifiedYear'],
      ['an unknown property', { nickname: 'x' }, 'nickname'],
    ])('registration with %s', async (_what, change, field) => {
      const before = await eventCount();
      const response = await as(clerk).post(
        '/households',
        registration(`hh-${village}-40`, village, change),
      );
      expectProblem(response, 400, [field]);
      expect(await eventCount()).toBe(before);
    });

    const validId = makeIdNumber('530325', '19750310', '022');
    const wrongCheck = `${validId.slice(0, 17)}${validId[17] === '0' ? '1' : '0'}`;
    it.each([
      ['a bad check digit', member(wrongCheck), 'idNumber', /check character/],
      [
        'a legacy 15-digit number',
        member(validId, { idNumber: '530325750310022' }),
        'idNumber',
        /15-digit/,
      ],
      ['a sex the ID number contradicts', member(validId, { sex: '男' }), 'sex', /agree/],
      [
        'a birth date the ID number contradicts',
        member(validId, { birthDate: '1975-03-11' }),
        'birthDate',
        /agree/,
      ],
      ['an unknown relation', member(validId, { relation: '朋友' }), 'relation', /relation/],
    ])('member with %s', async (_what, body, field, message) => {
      const before = await eventCount();
      const response = await as(clerk).post(`/households/${householdId}/members`, body);
      expectProblem(response, 400, [field]);
      const errors = response.body.errors as { field: string; message: string }[];
      expect(errors.find((error) => error.field === field)?.message).toMatch(message);
      expect(await eventCount()).toBe(before);
    });

    it.each([
      [
        'a negative income',
        'incomes',
        { recordId: 'r1', year: 2025, incomeType: '工资性', amount: '-5.00' },
        'amount',
      ],
      [
        'a future income year',
        'incomes',
        { recordId: 'r1', year: 2999, incomeType: '工资性', amount: '5.00' },
        'year',
      ],
      [
        'an unknown income type',
        'incomes',
        { recordId: 'r1', year: 2025, incomeType: '彩票', amount: '5.00' },
        'incomeType',
      ],
      [
        'a future assessment date',
        'housing-assessments',
        { safety: '安全', assessor: '李工', assessedOn: '2999-01-01' },
        'assessedOn',
      ],
      [
        'an unknown housing grade',
        'housing-assessments',
        { safety: 'B级', assessor: '李工', assessedOn: '2025-01-01' },
        'safety',
      ],
      [
        'a malformed helper phone',
        'helpers',
        { name: '王芳', unit: '财政局', phone: '12' },
        'phone',
      ],
      ['an unknown policy', 'policies', { policy: '彩票', year: 2025 }, 'policy'],
      [
        'a future joining date',
        'industry-projects',
        { projectId: 'p1', joinedOn: '2999-01-01' },
        'joinedOn',
      ],
    ])('%s', async (_what, path, body, field) => {
      const before = await eventCount();
      expectProblem(await as(clerk).post(`/households/${householdId}/${path}`, body), 400, [field]);
      expect(await eventCount()).toBe(before);
    });

    it('a removal dated in the future', async () => {
      await as(clerk)
        .post(`/households/${householdId}/members`, member(validId, { relation: '配偶' }))
        .expect(201);
      const before = await eventCount();
      const response = await as(clerk).post(
        `/households/${householdId}/members/${validId}/removal`,
        {
          reason: '死亡',
          date: '2999-01-01',
        },
      );
      expectProblem(response, 400, ['date']);
      expect(await eventCount()).toBe(before);
    });
  });

  it('records income, housing, helper, policy and industry project, each repeat replayed', async () => {
    const householdId = `hh-${village}-4`;
    await as(clerk).post('/households', registration(householdId)).expect(201);
    const income = { recordId: 'wage-2025', year: 2025, incomeType: '工资性', amount: '12000.50' };
    const recorded = await as(clerk).post(`/households/${householdId}/incomes`, income).expect(201);
    expect(recorded.body.data).toEqual({
      householdId,
      recordId: 'wage-2025',
      year: 2025,
      incomeType: '工资性',
      amountFen: '1200050',
    });
    await as(clerk).post(`/households/${householdId}/incomes`, income).expect(200);
    expectProblem(
      await as(clerk).post(`/households/${householdId}/incomes`, { ...income, amount: '1.00' }),
      409,
      ['recordId'],
    );
    await as(clerk)
      .post(`/households/${householdId}/incomes`, {
        ...income,
        recordId: 'wage-2025-fix',
        amount: '11000.00',
        correctsRecordId: 'wage-2025',
      })
      .expect(201);
    await as(clerk)
      .post(`/households/${householdId}/housing-assessments`, {
        safety: 'C级危房',
        assessor: '县住建局 李工',
        assessedOn: '2025-06-01',
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
        year: 2025,
        description: '雨露计划',
      })
      .expect(201);
    const joined = await as(clerk)
      .post(`/households/${householdId}/industry-projects`, {
        projectId: 'prj-cattle',
        joinedOn: '2025-04-01',
      })
      .expect(201);
    const again = await as(clerk)
      .post(`/households/${householdId}/industry-projects`, {
        projectId: 'prj-cattle',
        joinedOn: '2025-04-01',
      })
      .expect(200);
    expect(again.body).toEqual(joined.body);
    expectProblem(await as(clerk).post('/households/hh-530325102202-999/incomes', income), 404);
  });

  it('refuses a caller of another township with 403 and writes nothing', async () => {
    const householdId = `hh-${village}-1`;
    const before = await eventCount();
    expectProblem(await as(otherClerk).post('/households', registration(`hh-${village}-50`)), 403);
    // A village outside the caller's jurisdiction is a 403 even when its group is not the village's.
    expectProblem(
      await as(otherClerk).post('/households', {
        ...registration(`hh-${village}-52`),
        villageGroupCode: '530325103002-1',
      }),
      403,
    );
    expectProblem(
      await as(otherClerk).post(
        `/households/${householdId}/members`,
        member(makeIdNumber('530325', '19610101', '051')),
      ),
      403,
    );
    expectProblem(
      await as(otherClerk).post(`/households/${householdId}/incomes`, {
        recordId: 'x',
        year: 2025,
        incomeType: '工资性',
        amount: '1.00',
      }),
      403,
    );
    expectProblem(await as(finance).post('/households', registration(`hh-${village}-51`)), 403);
    expect(await eventCount()).toBe(before);
  });

  it('lets one ID number be active in one household only, naming the other only to whom may see it, until it is removed', async () => {
    const here = `hh-${village}-10`;
    const there = `hh-${otherTownshipVillage}-10`;
    const person = makeIdNumber('530325', '19700505', '071');
    await as(clerk).post('/households', registration(here)).expect(201);
    await as(countyClerk)
      .post('/households', registration(there, otherTownshipVillage))
      .expect(201);
    await as(clerk).post(`/households/${here}/members`, member(person)).expect(201);

    const before = await eventCount();
    const hidden = await as(otherClerk).post(`/households/${there}/members`, member(person));
    expectProblem(hidden, 409, ['idNumber']);
    expect(hidden.body.type).toMatch(/households\/person-in-another-household$/);
    expect(JSON.stringify(hidden.body)).not.toContain(here);
    expect(JSON.stringify(hidden.body)).not.toContain(village);
    const named = await as(countyClerk).post(`/households/${there}/members`, member(person));
    expectProblem(named, 409, ['idNumber']);
    expect(named.body.detail).toContain(here);
    expect(await eventCount()).toBe(before);

    const removed = await as(clerk)
      .post(`/households/${here}/members/${person}/removal`, { reason: '迁出', date: '2025-12-01' })
      .expect(201);
    expect(removed.body.metadata).toMatchObject({ reason: '迁出', releases: [`person:${person}`] });
    const moved = await as(otherClerk)
      .post(`/households/${there}/members`, member(person))
      .expect(201);
    expect(moved.body.metadata.claims).toEqual([`person:${person}`]);
    expectProblem(await as(clerk).post(`/households/${here}/members`, member(person)), 409, [
      'idNumber',
    ]);
  });

  it('lets exactly one of 8 concurrent adds of one person to different households win', async () => {
    const person = makeIdNumber('530325', '19880808', '081');
    const households = Array.from({ length: 8 }, (_, index) => `hh-${village}-${100 + index}`);
    for (const householdId of households) {
      await as(clerk).post('/households', registration(householdId)).expect(201);
    }
    const responses = await Promise.all(
      households.map((householdId) =>
        as(clerk).post(`/households/${householdId}/members`, member(person)),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const winner = households[responses.findIndex((response) => response.status === 201)];
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body.detail).toContain(winner);
    }
    const added = await db.query<{ stream_name: string }>(
      "SELECT stream_name FROM events WHERE type = 'MemberAdded' AND data ->> 'idNumber' = $1",
      [person],
    );
    expect(added.rows.map((row) => row.stream_name)).toEqual([`household-${winner}`]);
  });

  it('serves /streams and /history of a household inside its village only', async () => {
    const stream = `household-hh-${village}-4`;
    const events = await as(commission).get(`/streams/${stream}/events`).expect(200);
    expect((events.body.events as { type: string }[]).map((event) => event.type)).toEqual([
      'HouseholdRegistered',
      'IncomeRecorded',
      'IncomeRecorded',
      'HousingAssessed',
      'HelperAssigned',
      'PolicyEnjoyed',
      'IndustryProjectJoined',
    ]);
    expectProblem(await as(otherCommission).get(`/streams/${stream}/events`), 403);
    const history = await as(commission).get(`/history/streams/${stream}`).expect(200);
    expect(JSON.stringify(history.body)).toContain('prj-cattle');
    expectProblem(await as(otherCommission).get(`/history/streams/${stream}`), 403);
  });
});
