// Proves over real HTTP that projects (扶贫项目) work end to end: a plan in a village or township inside the caller's jurisdiction (idempotent by its client-chosen id, a 409 for the id with other facts, 400 naming each bad field and writing nothing, 403 outside the jurisdiction), the order of its life enforced (409 for acceptance before completion), and the list and the project view served from the projection.
import { Client } from 'pg';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'projects-e2e-secret-'.padEnd(48, 'p');
// 营上村 of 营上镇 (530325102), and 黄泥河镇 (530325103), both in 富源县 (530325).
const village = '530325102202';
const township = '530325102';
const otherTownship = '530325103';

const clerk: Actor = { id: 'clerk-ys', role: 'village_staff', division: township };
const otherClerk: Actor = { id: 'clerk-hnh', role: 'village_staff', division: otherTownship };
const inspector: Actor = { id: 'jw-1', role: 'commission', division: '530325' };
const finance: Actor = { id: 'fin-1', role: 'finance', division: '530325' };
const approver: Actor = { id: 'appr-ys', role: 'approver', division: township };
const bank: Actor = { id: 'bank-1', role: 'bank', division: '530325' };

function projectPlan(projectId: string, divisionCode = village, extra: object = {}) {
  return {
    projectId,
    divisionCode,
    category: '产业',
    name: '营上村生猪养殖项目',
    budget: '180000.00',
    implementer: { name: '富源县营上养殖专业合作社', creditCode: '93530325MA6K12345X' },
    responsiblePerson: { name: '李四', phone: '13800000000' },
    plannedStart: '2026-03-01',
    plannedEnd: '2026-12-31',
    beneficiaries: { householdIds: [`hh-${village}-17`], idNumbers: [] },
    expectedOutputs: ['圈舍 400 平方米', '仔猪 200 头'],
    ...extra,
  };
}

describe('projects over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let db: Client;
  let as: (actor: Actor) => ActorClient;

  const eventCount = async (): Promise<number> =>
    Number((await db.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]?.count);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'projects');
    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('plans a project, replays an identical repeat and refuses the id with other facts', async () => {
    const body = projectPlan(`prj-${village}-1`);
    const created = await as(clerk).post('/projects', body).expect(201);
    expect(created.headers['idempotent-replayed']).toBe('false');
    expect(created.body).toMatchObject({
      streamName: `project-prj-${village}-1`,
      type: 'ProjectPlanned',
      data: { projectId: `prj-${village}-1`, divisionLevel: 'village', budgetFen: '18000000' },
    });
    const repeat = await as(clerk).post('/projects', body).expect(200);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(created.body);
    expectProblem(await as(clerk).post('/projects', { ...body, budget: '1.00' }), 409, [
      'projectId',
    ]);
  });

  it('plans at township level too, and refuses a county, an id of another division, and outside the jurisdiction', async () => {
    await as(clerk)
      .post('/projects', projectPlan(`prj-${township}-1`, township, { category: '基础设施' }))
      .expect(201);
    const before = await eventCount();
    expectProblem(await as(clerk).post('/projects', projectPlan('prj-530325-1', '530325')), 400, [
      'projectId',
      'divisionCode',
    ]);
    expectProblem(
      await as(clerk).post('/projects', projectPlan(`prj-${village}-2`, '530325102203')),
      400,
      ['projectId'],
    );
    expectProblem(await as(otherClerk).post('/projects', projectPlan(`prj-${village}-3`)), 403);
    expect(await eventCount()).toBe(before);
  });

  it('names every bad field with a 400 and writes nothing', async () => {
    const before = await eventCount();
    const response = await as(clerk).post(
      '/projects',
      projectPlan(`prj-${village}-4`, village, {
        category: '旅游',
        budget: '12.345',
        implementer: { name: '', creditCode: 'nope' },
        plannedStart: '2026-13-01',
        expectedOutputs: [],
        site: { latitude: 95, longitude: 104 },
      }),
    );
    expectProblem(response, 400, [
      'category',
      'budget',
      'implementer.name',
      'implementer.creditCode',
      'plannedStart',
      'expectedOutputs',
      'site.latitude',
    ]);
    expect(await eventCount()).toBe(before);
  });

  it('enforces the order of its life: milestone, completion, acceptance; suspension stops it', async () => {
    const projectId = `prj-${village}-5`;
    await as(clerk).post('/projects', projectPlan(projectId)).expect(201);
    const acceptance = {
      acceptedBy: '富源县乡村振兴局',
      result: '合格',
      remarks: '现场核验，圈舍与合同一致',
      date: '2026-05-31',
    };
    expectProblem(await as(inspector).post(`/projects/${projectId}/acceptance`, acceptance), 409);
    await as(clerk)
      .post(`/projects/${projectId}/milestones`, {
        milestoneId: 'm1',
        name: '圈舍主体完工',
        date: '2026-05-20',
      })
      .expect(201);
    await as(clerk).post(`/projects/${projectId}/completion`, { date: '2026-05-30' }).expect(201);
    // The village clerk records the work but does not inspect it.
    expectProblem(await as(clerk).post(`/projects/${projectId}/acceptance`, acceptance), 403);
    await as(inspector).post(`/projects/${projectId}/acceptance`, acceptance).expect(201);
    expectProblem(
      await as(inspector).post(`/projects/${projectId}/suspension`, {
        reasons: ['资金挪用'],
        date: '2026-06-01',
      }),
      409,
    );
    const view = await eventually(async () => {
      const response = await as(clerk).get(`/projects/${projectId}`).expect(200);
      expect(response.body.status).toBe('accepted');
      return response.body;
    });
    expect(view).toMatchObject({
      projectId,
      divisionCode: village,
      category: '产业',
      budget: '180000.00',
      milestones: [{ milestoneId: 'm1', name: '圈舍主体完工', date: '2026-05-20' }],
      completion: { date: '2026-05-30' },
      acceptance: { result: '合格', acceptedBy: '富源县乡村振兴局' },
      beneficiaries: { householdIds: [`hh-${village}-17`], idNumbers: [] },
      photos: [],
    });

    const suspendedId = `prj-${village}-6`;
    await as(clerk).post('/projects', projectPlan(suspendedId)).expect(201);
    await as(inspector)
      .post(`/projects/${suspendedId}/suspension`, {
        reasons: ['实施单位退出'],
        date: '2026-05-01',
      })
      .expect(201);
    expectProblem(
      await as(clerk).post(`/projects/${suspendedId}/completion`, { date: '2026-05-30' }),
      409,
    );
  });

  it('lists projects by division, category and status inside the jurisdiction only', async () => {
    const listed = await eventually(async () => {
      const response = await as(clerk)
        .get(`/projects?division=${township}&category=基础设施`)
        .expect(200);
      expect(response.body.total).toBe(1);
      return response.body;
    });
    expect(listed.items[0]).toMatchObject({ projectId: `prj-${township}-1`, status: 'planned' });
    const accepted = await as(clerk)
      .get(`/projects?division=${village}&status=accepted`)
      .expect(200);
    expect(accepted.body.items.map((item: { projectId: string }) => item.projectId)).toEqual([
      `prj-${village}-5`,
    ]);
    expectProblem(await as(otherClerk).get(`/projects?division=${township}`), 403);
    expectProblem(await as(otherClerk).get(`/projects/prj-${village}-5`), 403);
    expectProblem(await as(clerk).get(`/projects?status=done`), 400, ['status']);
    expectProblem(await as(clerk).get(`/projects/prj-${village}-99`), 404);
  });

  it('shows every disbursement paid to the project, paid against the budget', async () => {
    const projectId = `prj-${village}-5`;
    await as(finance)
      .post('/funds', {
        fundId: 'fy-prj-001',
        name: '产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '500000.00' },
      })
      .expect(201);
    const request = async (transferId: string, amount: string) =>
      eventually(async () => {
        await as(finance)
          .post('/funds/fy-prj-001/disbursements', {
            transferId,
            divisionCode: township,
            beneficiary: { kind: 'project', id: projectId, name: '富源县营上养殖专业合作社' },
            amount,
          })
          .expect(201);
      });
    await request('d-prj-1', '54000.00');
    await as(approver).post('/disbursements/d-prj-1/approve').expect(201);
    await as(bank)
      .post('/disbursements/d-prj-1/settle', { outcome: 'paid', bankReference: 'RCC-1' })
      .expect(201);
    await request('d-prj-2', '10000.00');
    const view = await eventually(async () => {
      const response = await as(clerk).get(`/projects/${projectId}`).expect(200);
      expect(response.body.funding.transfers).toHaveLength(2);
      expect(response.body.funding.paid).toBe('54000.00');
      return response.body;
    });
    expect(view.funding).toMatchObject({
      budget: '180000.00',
      paid: '54000.00',
      pending: '10000.00',
      paidPercentOfBudget: '30.0',
      transfers: [
        {
          transferId: 'd-prj-1',
          amount: '54000.00',
          status: 'paid',
          approvedBy: approver.id,
          bankReference: 'RCC-1',
        },
        { transferId: 'd-prj-2', amount: '10000.00', status: 'requested' },
      ],
    });
  });

  it('shows a division dashboard: categories, statuses, budget, paid, and projects paid over 30 % without work photos', async () => {
    const paidProject = `prj-${village}-1`;
    await eventually(async () => {
      await as(finance)
        .post('/funds/fy-prj-001/disbursements', {
          transferId: 'd-prj-3',
          divisionCode: township,
          beneficiary: { kind: 'project', id: paidProject, name: '富源县营上养殖专业合作社' },
          amount: '60000.00',
        })
        .expect(201);
    });
    await as(approver).post('/disbursements/d-prj-3/approve').expect(201);
    await as(bank)
      .post('/disbursements/d-prj-3/settle', { outcome: 'paid', bankReference: 'RCC-3' })
      .expect(201);
    const dashboard = await eventually(async () => {
      const response = await as(inspector).get(`/dashboards/${township}/projects`).expect(200);
      expect(response.body.paid).toBe('114000.00');
      return response.body;
    });
    expect(dashboard).toMatchObject({
      divisionCode: township,
      projects: 4,
      byCategory: [
        { category: '产业', projects: 3, budget: '540000.00', paid: '114000.00' },
        { category: '基础设施', projects: 1, budget: '180000.00', paid: '0.00' },
      ],
      byStatus: [
        { status: 'planned', projects: 2 },
        { status: 'accepted', projects: 1 },
        { status: 'suspended', projects: 1 },
      ],
      budget: '720000.00',
      paidPercentOfBudget: '15.8',
      photos: 0,
      // Project 5 is paid exactly 30 %, not more; project 1 is paid 33.3 % with no photo at all.
      paidWithoutWorkPhotos: [
        {
          projectId: paidProject,
          budget: '180000.00',
          paid: '60000.00',
          paidPercentOfBudget: '33.3',
        },
      ],
    });
    expectProblem(await as(otherClerk).get(`/dashboards/${township}/projects`), 403);
    expectProblem(await as(inspector).get('/dashboards/999999/projects'), 400, ['code']);
  });
});
