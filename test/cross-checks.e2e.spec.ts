/*
 * Cross-checks over real HTTP on both job backends: a commission imports registries and runs the
 * rules over a township's roster as a job; each hit becomes one FindingRaised whose evidence names
 * the roster line (event id and position) and the registry row (snapshot id and file hash); a
 * re-run on unchanged data raises nothing new; a newer snapshot supersedes the older one for new
 * checks while the old finding keeps naming the snapshot it used; findings are listed and read
 * inside the caller's jurisdiction only (another county's commission: 403, nothing written); bad
 * input is a 400 naming the field. Every roster is checked after its lines are read, before it
 * can be approved: approving one with open findings needs a reason, or the flagged rows excluded
 * (and those are not paid). What approval answers for follows the commissions' decisions, read
 * from the findings' streams: right after the check the flagged line needs a reason; dismissed,
 * it does not (the roster view's stillFlaggedRows empties); reopened, or confirmed, it does again;
 * dismissed once more, the roster is approved without a reason and RosterApproved records that
 * no row was still flagged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { makeIdNumber } from '@sunlight/geo';
import { testRedisUrl, uniqueJobsPrefix } from '@sunlight/jobs/testing';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'cross-checks-e2e-secret-'.padEnd(48, 'c');
const county = '530325';
const township = '530325102';
const village = '530325102202';
const fundId = 'yn-2019-wgai-e2e';
const users = {
  clerk: { id: 'cz-530325102', role: 'finance', division: township },
  countyFinance: { id: 'cz-530325', role: 'finance', division: county },
  commission: { id: 'jw-530325', role: 'commission', division: county },
  approver: { id: 'sp-530325', role: 'approver', division: county },
  neighbour: { id: 'jw-530322', role: 'commission', division: '530322' },
  member: { id: 'jw-530325-01', role: 'commission', division: county },
  prefecture: { id: 'jw-5303', role: 'commission', division: '5303' },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('cross-checks') }),
        },
      ]),
];

interface CheckResult {
  subjects: number;
  hits: number;
  raised: number;
  byRule: Record<string, { hits: number; raised: number }>;
  findingIds: string[];
  flaggedSubjects: string[];
  snapshots: { snapshotId: string; kind: string; fileSha256: string }[];
  missingRegistries: string[];
}

describe.each(backends)('cross-checks over HTTP ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  let rosterId: string;
  let vehiclesV1: { snapshotId: string; fileSha256: string };

  const completed = async <T>(jobId: string, actor: Actor = users.commission): Promise<T> => {
    const job = await eventually(async () => {
      const response = await as(actor).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as { result: T; progress: { done: number; total: number } };
    }, 60_000);
    expect(job.progress.done).toBe(job.progress.total);
    return job.result;
  };

  const importRegistry = async (kind: string, rows: string[][], asOf: string) => {
    const response = await as(users.commission)
      .postForm(
        `/registries/${kind}/snapshots`,
        { divisionCode: county, asOf },
        { file: { bytes: utf8Csv(rows), fileName: `${kind}-${asOf}.csv` } },
      )
      .expect(202);
    await completed(response.body.jobId);
    return response.body as { snapshotId: string; fileSha256: string };
  };

  const check = async (body: object): Promise<CheckResult> => {
    const response = await as(users.commission).post('/cross-checks', body).expect(202);
    expect(response.body.jobId).toMatch(/^cross-checks\./);
    return completed<CheckResult>(response.body.jobId);
  };

  const head = async () =>
    (
      await db.query<{ head: string }>(
        'SELECT coalesce(max(position), 0)::text AS head FROM events',
      )
    ).rows[0]?.head;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'cross_checks_e2e',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-cross-checks-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await as(users.countyFinance)
      .post('/funds', {
        fundId,
        name: '富源县农村危房改造补助',
        fiscalYear: 2019,
        purposeCategory: '危房改造',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '500000.00' },
      })
      .expect(201);
    const roster = await as(users.clerk)
      .postForm(
        '/rosters',
        { fundId, divisionCode: township, purpose: '危房改造', period: '2019年' },
        {
          file: {
            bytes: utf8Csv([
              ['姓名', '身份证号', '村组', '银行账号', '金额', '申请日期'],
              ['张三', id('001'), village, '6228480012345678', '20000', '2019-03-01'],
              ['李四', id('003'), village, '6228480012345679', '20000', '2019-03-01'],
              ['王五', id('005'), village, '6228480012345680', '20000', '2019-03-01'],
              ['赵六', id('007'), village, '6228480012345681', '20000', '2019-03-01'],
            ]),
            fileName: '危改花名册.csv',
          },
        },
      )
      .expect(202);
    rosterId = roster.body.rosterId;
    await completed(roster.body.jobId, users.clerk);
    vehiclesV1 = await importRegistry(
      'vehicles',
      [
        ['车主身份证号', '姓名', '号牌', '车辆类型', '登记日期'],
        [id('001'), '张三', '云D12345', '小型轿车', '2018-11-02'],
        [id('003'), '李四', '云D22222', '拖拉机', '2017-05-06'],
        [id('099'), '无关人', '云D99999', '小型轿车', '2010-01-01'],
      ],
      '2019-01-31',
    );
    await importRegistry(
      'deaths',
      [
        ['身份证号', '姓名', '死亡日期'],
        [id('005'), '王五', '2018-12-01'],
      ],
      '2019-01-31',
    );
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('raises one finding per hit with its evidence, and nothing new on unchanged data', async () => {
    const first = await check({ division: county, rules: ['vehicle-owner', 'deceased'] });
    expect(first).toMatchObject({
      subjects: 4,
      hits: 2,
      raised: 2,
      byRule: { 'vehicle-owner': { hits: 1, raised: 1 }, deceased: { hits: 1, raised: 1 } },
      missingRegistries: [],
    });
    expect(first.flaggedSubjects.sort()).toEqual([
      `roster-entry:${rosterId}#2`,
      `roster-entry:${rosterId}#4`,
    ]);
    expect(first.snapshots.map((snapshot) => snapshot.snapshotId)).toContain(vehiclesV1.snapshotId);

    const before = await head();
    const again = await check({ division: county, rules: ['vehicle-owner', 'deceased'] });
    expect(again).toMatchObject({ hits: 2, raised: 0 });
    expect([...again.findingIds].sort()).toEqual([...first.findingIds].sort());
    expect(
      (
        await db.query(
          "SELECT count(*)::int AS n FROM events WHERE type = 'FindingRaised' AND position > $1",
          [before],
        )
      ).rows[0]?.n,
    ).toBe(0);

    const vehicleFinding = first.findingIds.find((findingId) =>
      findingId.startsWith(`fd-${village}-`),
    );
    expect(vehicleFinding).toBeDefined();
    const list = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/findings?division=${township}&rule=vehicle-owner`)
        .expect(200);
      expect(response.body.total).toBe(1);
      return response.body;
    });
    expect(list.items[0]).toMatchObject({
      ruleId: 'vehicle-owner',
      ruleVersion: 1,
      divisionCode: village,
      status: 'raised',
      subjectId: `roster-entry:${rosterId}#2`,
      rosterId,
      row: 2,
      period: '2019年',
    });
    const finding = await as(users.commission)
      .get(`/findings/${list.items[0].findingId}`)
      .expect(200);
    expect(finding.body).toMatchObject({
      ruleId: 'vehicle-owner',
      subject: {
        id: `roster-entry:${rosterId}#2`,
        name: '张三',
        idNumber: id('001'),
        referenceDate: '2019-03-01',
        event: { streamName: `roster-${rosterId}`, eventId: expect.any(String) },
      },
      registryRows: [
        {
          kind: 'vehicles',
          snapshotId: vehiclesV1.snapshotId,
          snapshotSha256: vehiclesV1.fileSha256,
          asOf: '2019-01-31',
          row: 1,
        },
      ],
      parameters: { farmVehicleTypes: expect.arrayContaining(['拖拉机']) },
      explanation: { zh: expect.stringContaining('云D12345'), en: expect.any(String) },
      raisedBy: users.commission,
      evidence: {
        subject: { entry: { name: '张三', idNumber: id('001'), row: 2, amountFen: '2000000' } },
        registryRows: [
          {
            snapshotId: vehiclesV1.snapshotId,
            row: { kind: 'vehicles', plate: '云D12345', idNumber: id('001') },
          },
        ],
      },
    });
    const all = await eventually(async () => {
      const response = await as(users.commission).get('/findings').expect(200);
      expect(response.body.total).toBe(2);
      return response.body;
    });
    expect(all.items.map((item: { ruleId: string }) => item.ruleId).sort()).toEqual([
      'deceased',
      'vehicle-owner',
    ]);
  });

  it('checks with a newer snapshot in force; the old finding keeps naming the old one', async () => {
    const v2 = await importRegistry(
      'vehicles',
      [
        ['owner_id', 'name', 'plate', 'type', 'registered'],
        [id('007'), '赵六', '云D77777', '小型轿车', '2019-02-01'],
      ],
      '2019-06-30',
    );
    const listing = await as(users.commission)
      .get(`/registries/vehicles/snapshots?division=${county}`)
      .expect(200);
    expect(listing.body).toMatchObject({
      kind: 'vehicles',
      divisionCode: county,
      inForce: v2.snapshotId,
      snapshots: [
        { snapshotId: v2.snapshotId, asOf: '2019-06-30', inForce: true, rows: 1 },
        { snapshotId: vehiclesV1.snapshotId, asOf: '2019-01-31', inForce: false, rows: 3 },
      ],
    });
    const result = await check({ division: township, rules: ['vehicle-owner'], rosterId });
    expect(result).toMatchObject({ subjects: 4, hits: 1, raised: 1 });
    expect(result.flaggedSubjects).toEqual([`roster-entry:${rosterId}#5`]);
    expect(result.snapshots).toEqual([
      expect.objectContaining({ snapshotId: v2.snapshotId, fileSha256: v2.fileSha256 }),
    ]);
    const old = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/findings?division=${county}&rule=vehicle-owner`)
        .expect(200);
      expect(response.body.total).toBe(2);
      return response.body.items.find(
        (item: { subjectId: string }) => item.subjectId === `roster-entry:${rosterId}#2`,
      );
    });
    const oldFinding = await as(users.commission).get(`/findings/${old.findingId}`).expect(200);
    expect(oldFinding.body.registryRows[0].snapshotId).toBe(vehiclesV1.snapshotId);
  });

  it('refuses another county, other roles and bad input, writing nothing', async () => {
    const before = await head();
    expectProblem(
      await as(users.neighbour).post('/cross-checks', { division: county }).expect(403),
      403,
    );
    expectProblem(await as(users.clerk).post('/cross-checks', { division: township }), 403);
    expectProblem(await as(users.neighbour).get(`/findings?division=${county}`), 403);
    expectProblem(
      await as(users.neighbour).get('/registries/vehicles/snapshots?division=530325'),
      403,
    );
    const someFinding = (await as(users.commission).get(`/findings?division=${county}`).expect(200))
      .body.items[0].findingId as string;
    expectProblem(await as(users.neighbour).get(`/findings/${someFinding}`), 403);

    expectProblem(await as(users.commission).post('/cross-checks', {}), 400, ['division']);
    expectProblem(
      await as(users.commission).post('/cross-checks', {
        division: county,
        rules: ['no-such-rule'],
      }),
      400,
      ['rules'],
    );
    expectProblem(await as(users.commission).post('/cross-checks', { division: '539999' }), 400, [
      'division',
    ]);
    expectProblem(
      await as(users.commission).post('/cross-checks', { division: county, rosterId: 'ro-1' }),
      400,
      ['rosterId'],
    );
    expectProblem(
      await as(users.commission).post('/cross-checks', {
        division: county,
        rosterId: 'ro-530322-000000000000',
      }),
      400,
      ['rosterId'],
    );
    expectProblem(
      await as(users.commission).post('/cross-checks', {
        division: county,
        rosterId: 'ro-530325-000000000000',
      }),
      404,
    );
    expectProblem(
      await as(users.commission).post('/cross-checks', { division: county, extra: 1 }),
      400,
      ['extra'],
    );
    expectProblem(await as(users.commission).get('/findings?status=nope'), 400, ['status']);
    expectProblem(await as(users.commission).get('/findings?rule=nope'), 400, ['rule']);
    expectProblem(await as(users.commission).get('/findings/fd-1'), 400, ['findingId']);
    expectProblem(
      await as(users.commission).get(`/findings/fd-${village}-000000000000000000000000`),
      404,
    );
    expect(await head()).toBe(before);
  });

  /** A township roster of 王五 (dead by the deaths registry), 钱七 and 孙八, parsed. */
  const uploadRoster = async (period: string, amount: string) => {
    const response = await as(users.clerk)
      .postForm(
        '/rosters',
        { fundId, divisionCode: township, purpose: '危房改造', period },
        {
          file: {
            bytes: utf8Csv([
              ['姓名', '身份证号', '村组', '银行账号', '金额', '申请日期'],
              ['王五', id('005'), village, '6228480012345680', amount, '2019-03-01'],
              ['钱七', id('011'), village, '6228480012345682', amount, '2019-03-01'],
              ['孙八', id('013'), village, '6228480012345683', amount, '2019-03-01'],
            ]),
            fileName: `${period}.csv`,
          },
        },
      )
      .expect(202);
    await completed(response.body.jobId, users.clerk);
    return response.body.rosterId as string;
  };
  const summaryOf = async (id: string) =>
    (await as(users.approver).get(`/rosters/${id}`).expect(200)).body;

  it('checks every roster before approval: open findings need a reason or the rows excluded', async () => {
    // The first roster was checked before any registry was imported: nothing to decide on.
    expect((await summaryOf(rosterId)).check).toEqual({
      checkId: expect.any(String),
      findings: 0,
      flagged: [],
    });

    const flaggedRoster = await uploadRoster('2019年第二批', '20000');
    const summary = await summaryOf(flaggedRoster);
    expect(summary.status).toBe('parsed');
    expect(summary.check).toMatchObject({
      findings: 1,
      flagged: [{ row: 2, amount: '20000.00', findingIds: [expect.stringMatching(/^fd-/)] }],
    });
    const listed = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/findings?rosterId=${flaggedRoster}`)
        .expect(200);
      expect(response.body.total).toBe(1);
      return response.body.items[0];
    });
    expect(listed).toMatchObject({
      ruleId: 'deceased',
      findingId: summary.check.flagged[0].findingIds[0],
      row: 2,
    });

    const before = await head();
    expectProblem(await as(users.approver).post(`/rosters/${flaggedRoster}/approve`), 400, [
      'reason',
    ]);
    expectProblem(
      await as(users.approver).post(`/rosters/${flaggedRoster}/approve`, { excludedRows: [3] }),
      400,
      ['excludedRows'],
    );
    expectProblem(
      await as(users.approver).post(`/rosters/${flaggedRoster}/approve`, { excludedRows: ['x'] }),
      400,
      ['excludedRows'],
    );
    expect(await head()).toBe(before);

    const approved = await as(users.approver)
      .post(`/rosters/${flaggedRoster}/approve`, { excludedRows: [2] })
      .expect(202);
    expect(approved.body).toMatchObject({ accepted: 2, total: '40000.00' });
    await completed(approved.body.jobId, users.approver);
    expect(await summaryOf(flaggedRoster)).toMatchObject({
      status: 'approved',
      excludedRows: [2],
      approvedLines: 2,
      approvedTotal: '40000.00',
      approvalFlaggedRows: [2],
    });
    const requested = await db.query<{ transfer: string }>(
      `SELECT data ->> 'transferId' AS transfer FROM events
        WHERE type = 'DisbursementRequested' AND data ->> 'transferId' ^@ $1 ORDER BY position`,
      [flaggedRoster],
    );
    expect(requested.rows.map((row) => row.transfer)).toEqual([
      `${flaggedRoster}-3`,
      `${flaggedRoster}-4`,
    ]);

    const knowingly = await uploadRoster('2019年第三批', '19000');
    const withReason = await as(users.approver)
      .post(`/rosters/${knowingly}/approve`, { reason: '死亡登记有误，经派出所核实本人健在' })
      .expect(202);
    expect(withReason.body).toMatchObject({ accepted: 3, total: '57000.00' });
    expect(await summaryOf(knowingly)).toMatchObject({
      approvalReason: '死亡登记有误，经派出所核实本人健在',
      approvedLines: 3,
    });
  });
  it('asks a reason only for lines still flagged: dismissed clears a line, reopened or confirmed flags it again', async () => {
    const roster = await uploadRoster('2019年第四批', '1000');
    const approve = (body?: object) => as(users.approver).post(`/rosters/${roster}/approve`, body);
    const stillFlagged = async () => (await summaryOf(roster)).stillFlaggedRows;
    const summary = await summaryOf(roster);
    expect(summary.check).toMatchObject({ findings: 1, flagged: [{ row: 2 }] });
    const findingId: string = summary.check.flagged[0].findingIds[0];
    const step = (actor: Actor, action: string, body: object) =>
      as(actor).post(`/findings/${findingId}/${action}`, body).expect(201);
    const assignee = { id: users.member.id, division: county };
    const dismissal = { disposition: 'dismissed', reason: '经派出所核实，死亡登记系同名误录' };

    // Right after the check, before the findings read model need have applied the finding.
    const before = await head();
    expect(summary.stillFlaggedRows).toEqual([2]);
    expectProblem(await approve(), 400, ['reason']);
    expect(await head()).toBe(before);

    await step(users.commission, 'assign', { assignee });
    await step(users.member, 'dispose', dismissal);
    expect(await stillFlagged()).toEqual([]);

    await step(users.prefecture, 'reopen', { reason: '复查：死亡证明与户籍注销日期一致' });
    expect(await stillFlagged()).toEqual([2]);
    expectProblem(await approve(), 400, ['reason']);

    await step(users.commission, 'assign', { assignee });
    await step(users.member, 'dispose', { disposition: 'confirmed', reason: '核实本人已死亡' });
    expect(await stillFlagged()).toEqual([2]);
    expectProblem(await approve(), 400, ['reason']);

    await step(users.prefecture, 'reopen', { reason: '复查：死亡登记系同名误录' });
    await step(users.commission, 'assign', { assignee });
    await step(users.member, 'dispose', dismissal);
    expect(await stillFlagged()).toEqual([]);
    const approved = await approve().expect(202);
    expect(approved.body).toMatchObject({ accepted: 3, total: '3000.00' });
    await completed(approved.body.jobId, users.approver);
    const after = await summaryOf(roster);
    expect(after).toMatchObject({ status: 'approved', approvedLines: 3, approvalFlaggedRows: [] });
    expect(after).not.toHaveProperty('approvalReason');
    expect(after).not.toHaveProperty('stillFlaggedRows');
    const recorded = await db.query<{ data: { flaggedRows?: number[]; reason?: string } }>(
      `SELECT data FROM events WHERE type = 'RosterApproved' AND data ->> 'rosterId' = $1`,
      [roster],
    );
    expect(recorded.rows.map((row) => row.data)).toEqual([
      expect.objectContaining({ flaggedRows: [] }),
    ]);
    expect(recorded.rows[0]?.data).not.toHaveProperty('reason');
  });
});
