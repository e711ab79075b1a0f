/*
 * The rules over Sunlight's own records, end to end over HTTP: households registered, a 产业发展
 * roster uploaded (and so checked before approval), projects planned, photographed and paid, and
 * then a commission's cross-check of the township raises exactly the planted cases of
 * not-registered, late-addition, paid-without-photos and reused-photo, none for the planted
 * non-cases beside them, each with the events it rests on, and nothing new when run again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { farmScene, sceneJpeg } from './support/photo-fixtures';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'cross-checks-records-e2e-secret-'.padEnd(48, 'r');
const county = '530325';
const township = '530325102';
// 营上村 (the roster's village), 大粟村 (another village with households), 都格村 (none).
const village = '530325102202';
const otherVillage = '530325102203';
const unkeptVillage = '530325102204';
const fundId = 'yn-2019-cyfz-records';
const users = {
  clerk: { id: 'clerk-ys', role: 'village_staff', division: township },
  finance: { id: 'cz-530325102', role: 'finance', division: township },
  countyFinance: { id: 'cz-530325', role: 'finance', division: county },
  approver: { id: 'sp-530325102', role: 'approver', division: township },
  bank: { id: 'bank-530325', role: 'bank', division: county },
  commission: { id: 'jw-530325', role: 'commission', division: county },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const people = {
  member: id('011'),
  notMember: id('017'),
  memberElsewhere: id('013'),
  newHousehold: id('015'),
  lateApplicant: id('019'),
  unkeptVillage: id('021'),
};
/** Today in China, where business days are counted; the test builds dates from it, never asserts on it. */
const chinaToday = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const daysBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

interface CheckResult {
  subjects: number;
  hits: number;
  raised: number;
  byRule: Record<string, { hits: number; raised: number }>;
  flaggedSubjects: string[];
}

interface ListedFinding {
  findingId: string;
  ruleId: string;
  subjectId: string;
}

describe('cross-checks over the household register and projects', () => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: Actor) => ActorClient;
  let rosterId: string;

  const completed = async <T>(jobId: string, actor: Actor = users.commission): Promise<T> => {
    const job = await eventually(async () => {
      const response = await as(actor).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as { result: T };
    }, 60_000);
    return job.result;
  };

  const register = async (
    householdId: string,
    villageCode: string,
    identifiedYear: number,
    members: string[],
  ) => {
    await as(users.clerk)
      .post('/households', {
        householdId,
        villageCode,
        headName: '张三',
        address: '营上镇第三村民小组12号',
        identificationStandard: '国家',
        attribute: '一般贫困户',
        mainCause: '因病',
        otherCauses: [],
        bankName: '富源县农村信用合作联社',
        bankAccount: '6217000012345678',
        phone: '13800000000',
        identifiedYear,
      })
      .expect(201);
    for (const [index, idNumber] of members.entries())
      await as(users.clerk)
        .post(`/households/${householdId}/members`, {
          idNumber,
          name: '张三',
          relation: index === 0 ? '户主' : '配偶',
          sex: Number(idNumber[16]) % 2 === 1 ? '男' : '女',
          birthDate: '1980-01-01',
          health: '健康',
          schooling: '初中',
          labour: '普通劳动力',
        })
        .expect(201);
  };

  const plan = (projectId: string) =>
    as(users.clerk)
      .post('/projects', {
        projectId,
        divisionCode: village,
        category: '产业',
        name: `营上村肉牛养殖项目 ${projectId}`,
        budget: '180000.00',
        implementer: { name: '富源县营上养殖专业合作社' },
        responsiblePerson: { name: '李四' },
        plannedStart: '2026-03-01',
        plannedEnd: '2026-12-31',
        beneficiaries: { householdIds: [], idNumbers: [] },
        expectedOutputs: ['圈舍 400 平方米'],
      })
      .expect(201);

  const pay = async (transferId: string, projectId: string) => {
    await eventually(async () => {
      await as(users.finance)
        .post(`/funds/${fundId}/disbursements`, {
          transferId,
          divisionCode: township,
          beneficiary: { kind: 'project', id: projectId, name: '富源县营上养殖专业合作社' },
          amount: '10000.00',
        })
        .expect(201);
    });
    await as(users.approver).post(`/disbursements/${transferId}/approve`).expect(201);
    await as(users.bank)
      .post(`/disbursements/${transferId}/settle`, {
        outcome: 'paid',
        bankReference: `RCC-${transferId}`,
      })
      .expect(201);
  };

  const photograph = (projectId: string, bytes: Buffer, stage: string) =>
    as(users.clerk)
      .postForm(
        `/projects/${projectId}/photos`,
        { stage },
        { file: { bytes, fileName: 'IMG_0001.jpg' } },
      )
      .expect(201);

  const check = async (): Promise<CheckResult> => {
    const response = await as(users.commission)
      .post('/cross-checks', { division: township })
      .expect(202);
    return completed<CheckResult>(response.body.jobId);
  };

  const findings = (ruleId: string, expected: number) =>
    eventually(async () => {
      const response = await as(users.commission)
        .get(`/findings?division=${township}&rule=${ruleId}&limit=100`)
        .expect(200);
      expect(response.body.total).toBe(expected);
      return response.body.items as ListedFinding[];
    }, 30_000);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'cross_checks_records',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-cross-checks-records-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
    });
    as = actorClients(app.server, jwtSecret);

    // Households identified in 2016 and entered now count from 2016; one identified this year
    // counts from today.
    await register(`hh-${village}-1`, village, 2016, [people.member, people.lateApplicant]);
    await register(`hh-${otherVillage}-1`, otherVillage, 2016, [people.memberElsewhere]);
    await register(`hh-${village}-2`, village, Number(chinaToday.slice(0, 4)), [
      people.newHousehold,
    ]);

    await as(users.countyFinance)
      .post('/funds', {
        fundId,
        name: '营上镇产业扶持资金',
        fiscalYear: 2019,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '500000.00' },
      })
      .expect(201);
    const roster = await as(users.finance)
      .postForm(
        '/rosters',
        // Free text: not-registered asks the fund line's category (产业发展), not this.
        { fundId, divisionCode: township, purpose: '产业发展补助（肉牛养殖）', period: '2019年' },
        {
          file: {
            bytes: utf8Csv([
              ['姓名', '身份证号', '村组', '银行账号', '金额', '申请日期'],
              ['甲', people.member, village, '6228480000000002', '3000', '2019-03-01'],
              ['乙', people.notMember, village, '6228480000000003', '3000', '2019-03-01'],
              ['丙', people.memberElsewhere, village, '6228480000000004', '3000', '2019-03-01'],
              ['丁', people.newHousehold, village, '6228480000000005', '3000', ''],
              [
                '戊',
                people.lateApplicant,
                village,
                '6228480000000006',
                '3000',
                daysBefore(chinaToday, 3),
              ],
              ['己', people.unkeptVillage, unkeptVillage, '6228480000000007', '3000', '2019-03-01'],
            ]),
            fileName: '产业扶持花名册.csv',
          },
        },
      )
      .expect(202);
    rosterId = roster.body.rosterId;
    await completed(roster.body.jobId, users.finance);

    // Paid with no photo; paid with a photo of work under way; a copy of that photo on an
    // unpaid project; completed and paid with only a photo of work under way.
    const photo = await sceneJpeg(farmScene);
    const otherPhoto = await sceneJpeg({ shift: 420, sky: '#e0a040', mirrored: true });
    for (const n of [1, 2, 3, 4]) await plan(`prj-${village}-${n}`);
    await photograph(`prj-${village}-2`, photo, '施工中');
    await photograph(`prj-${village}-3`, photo, '完工后');
    await photograph(`prj-${village}-4`, otherPhoto, '施工中');
    await as(users.clerk)
      .post(`/projects/prj-${village}-4/milestones`, {
        milestoneId: 'm1',
        name: '圈舍主体完工',
        date: '2026-05-20',
      })
      .expect(201);
    await as(users.clerk)
      .post(`/projects/prj-${village}-4/completion`, { date: '2026-05-30' })
      .expect(201);
    await pay('d-rec-1', `prj-${village}-1`);
    await pay('d-rec-2', `prj-${village}-2`);
    await pay('d-rec-4', `prj-${village}-4`);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const line = (row: number) => `roster-entry:${rosterId}#${row}`;

  it('raises exactly the planted cases of each rule, none of the non-cases, and nothing new on a re-run', async () => {
    const first = await check();
    expect(first.byRule).toMatchObject({
      'not-registered': { hits: 2 },
      'late-addition': { hits: 2 },
      'paid-without-photos': { hits: 2, raised: 2 },
      'reused-photo': { hits: 1, raised: 1 },
    });
    // The roster's own check before approval raised its lines' findings already.
    expect(first.byRule['not-registered']?.raised).toBe(0);
    expect(first.byRule['late-addition']?.raised).toBe(0);
    expect(first.hits).toBe(7);
    expect(first.raised).toBe(3);

    const subjectsOf = async (ruleId: string, expected: number) =>
      (await findings(ruleId, expected)).map((finding) => finding.subjectId).sort();
    expect(await subjectsOf('not-registered', 2)).toEqual([line(3), line(4)].sort());
    expect(await subjectsOf('late-addition', 2)).toEqual([line(5), line(6)].sort());
    expect(await subjectsOf('paid-without-photos', 2)).toEqual([
      `project:prj-${village}-1`,
      `project:prj-${village}-4`,
    ]);
    expect(await subjectsOf('reused-photo', 1)).toEqual([`project:prj-${village}-3`]);

    const again = await check();
    expect(again.hits).toBe(7);
    expect(again.raised).toBe(0);
  });

  it('names the events each lead rests on', async () => {
    const read = async (ruleId: string, subjectId: string) => {
      const listed = (await findings(ruleId, ruleId === 'reused-photo' ? 1 : 2)).find(
        (finding) => finding.subjectId === subjectId,
      );
      if (listed === undefined) throw new Error(`no ${ruleId} finding on ${subjectId}`);
      return (await as(users.commission).get(`/findings/${listed.findingId}`).expect(200)).body;
    };
    const elsewhere = await read('not-registered', line(4));
    expect(elsewhere.events).toEqual([
      expect.objectContaining({
        type: 'MemberAdded',
        streamName: `household-hh-${otherVillage}-1`,
        eventId: expect.any(String),
        position: expect.any(String),
      }),
    ]);
    expect(elsewhere.explanation.zh).toContain(`hh-${otherVillage}-1户的成员`);

    const newHousehold = await read('late-addition', line(5));
    expect(newHousehold.events.map((event: { type: string }) => event.type)).toEqual([
      'MemberAdded',
      'HouseholdRegistered',
    ]);
    expect(newHousehold.parameters).toEqual({ minDaysInHousehold: 30, minDaysOnRoster: 7 });
    const lateApplication = await read('late-addition', line(6));
    expect(lateApplication.events).toEqual([
      expect.objectContaining({ type: 'RosterUploaded', streamName: `roster-${rosterId}` }),
    ]);
    expect(lateApplication.explanation.en).toContain('(3 days before)');

    const completedWithoutAfter = await read('paid-without-photos', `project:prj-${village}-4`);
    expect(completedWithoutAfter.subject).toMatchObject({
      kind: 'project',
      idNumber: '',
      villageCode: village,
      amountFen: '1000000',
    });
    expect(
      completedWithoutAfter.events.map((event: { type: string }) => event.type).sort(),
    ).toEqual(['DisbursementPaid', 'PhotoAdded', 'ProjectCompleted', 'ProjectPlanned']);

    const reused = await read('reused-photo', `project:prj-${village}-3`);
    expect(reused.related).toEqual([expect.objectContaining({ id: `project:prj-${village}-2` })]);
    expect(
      reused.events.map((event: { type: string; streamName: string }) => [
        event.type,
        event.streamName,
      ]),
    ).toEqual([
      ['PhotoAdded', `project-prj-${village}-3`],
      ['PhotoChecked', `project-prj-${village}-3`],
      ['PhotoAdded', `project-prj-${village}-2`],
    ]);
  });
});
