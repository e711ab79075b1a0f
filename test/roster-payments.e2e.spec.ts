/*
 * A roster (花名册) paid out over real HTTP on both job backends: upload → parse → approve (the
 * roster's total reserved on the pool, one disbursement request per accepted line) → each payment
 * approved → the bank's settlement file → every payment traced back to its roster row. Approval
 * is all or nothing: a pool that cannot cover the total refuses the whole roster, nothing written.
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

const jwtSecret = 'roster-payments-e2e-secret-'.padEnd(48, 'p');
const fundId = 'yn-2026-roster-pay';
const smallFundId = 'yn-2026-roster-small';
const township = '530325102'; // 营上镇
const villageInside = '530325102202';
const users = {
  clerk: { id: 'u-clerk', role: 'finance', division: township },
  countyFinance: { id: 'u-county-finance', role: 'finance', division: '530325' },
  approver: { id: 'u-approver', role: 'approver', division: '530325' },
  paymentApprover: { id: 'u-payment-approver', role: 'approver', division: township },
  bank: { id: 'u-bank', role: 'bank', division: '530325' },
  commission: { id: 'u-commission', role: 'commission', division: '530325' },
  villageStaff: { id: 'u-village-staff', role: 'village_staff', division: township },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const header = ['姓名', '身份证号', '村组', '银行账号', '金额'];
const householdId = `hh-${villageInside}-1`;

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('roster-pay') }),
        },
      ]),
];

describe.each(backends)('roster payments over HTTP ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: Actor) => ActorClient;

  const finished = async (jobId: string, by: Actor = users.clerk) =>
    eventually(async () => {
      const response = await as(by).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as {
        result: unknown;
        progress: { percent: number; done: number; total: number };
      };
    }, 60_000);

  const uploadParsed = async (rows: string[][], fund = fundId) => {
    const response = await as(users.clerk)
      .postForm(
        '/rosters',
        {
          fundId: fund,
          divisionCode: township,
          purpose: '产业发展补助',
          period: '2026年第一批',
        },
        { file: { bytes: utf8Csv([header, ...rows]), fileName: '营上镇花名册.csv' } },
      )
      .expect(202);
    await finished(response.body.jobId as string);
    return response.body as { rosterId: string; fileSha256: string };
  };

  const poolEvents = async (fund: string) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ type: string; data: Record<string, unknown> }>(
        'SELECT type, data FROM events WHERE stream_name = $1 ORDER BY revision',
        [`pool-${fund}.${township}`],
      );
      return rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'roster_pay_e2e',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roster-pay-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    for (const [fund, amount] of [
      [fundId, '500000.00'],
      [smallFundId, '1000.00'],
    ] as const) {
      await as(users.countyFinance)
        .post('/funds', {
          fundId: fund,
          // Not an industry fund: the village has a registered household, so on an industry
          // fund the not-registered rule would flag 王五 (test/cross-checks-records covers that).
          name: '富源县危房改造补助资金',
          fiscalYear: 2026,
          purposeCategory: '危房改造',
          source: '县级财政',
          appropriation: { divisionCode: township, amount },
        })
        .expect(201);
    }
    // 张三 of row 2 is the head of a registered household: its card shows what he was paid.
    await as(users.villageStaff)
      .post('/households', {
        householdId,
        villageCode: villageInside,
        headName: '张三',
        address: '营上镇营上村第二村民小组3号',
        identificationStandard: '国家',
        attribute: '一般贫困户',
        mainCause: '因病',
        otherCauses: [],
        bankName: '富源县农村信用合作联社',
        bankAccount: '6228480012345678',
        phone: '13800000000',
        identifiedYear: 2016,
      })
      .expect(201);
    const head = id('001');
    await as(users.villageStaff)
      .post(`/households/${householdId}/members`, {
        idNumber: head,
        name: '张三',
        relation: '户主',
        sex: Number(head[16]) % 2 === 1 ? '男' : '女',
        birthDate: '1980-01-01',
        health: '健康',
        schooling: '初中',
        labour: '普通劳动力',
      })
      .expect(201);
  });
  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('goes upload → parse → approve → approve payments → settle file, and traces each payment to its roster row', async () => {
    const roster = await uploadParsed([
      ['张三', id('001'), villageInside, '6228480012345678', '3600'],
      ['李四', id('002'), villageInside, '6228480012345679', '-1'],
      ['王五', id('003'), `${villageInside}-2`, '6228480012345680', '1200.50'],
    ]);
    const { rosterId, fileSha256 } = roster;

    // Maker-checker: the uploader never approves, even holding the approver role.
    expectProblem(
      await as({ ...users.clerk, role: 'approver' }).post(`/rosters/${rosterId}/approve`),
      403,
    );
    expect((await poolEvents(fundId)).map((event) => event.type)).toEqual(['FundsAppropriated']);

    const approved = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
    expect(approved.body).toMatchObject({ rosterId, accepted: 2, total: '4800.50' });
    const job = await finished(approved.body.jobId as string, users.approver);
    expect(job.progress).toEqual({ percent: 100, done: 2, total: 2 });
    expect(job.result).toEqual({ rosterId, requested: 2, totalFen: '480050' });
    // Approving again answers the same job and writes nothing.
    const again = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
    expect(again.body.jobId).toBe(approved.body.jobId);
    // Only the approver's own repeat is a replay: the uploader is still refused, another approver
    // is told it was decided.
    expectProblem(
      await as({ ...users.clerk, role: 'approver' }).post(`/rosters/${rosterId}/approve`),
      403,
    );
    expectProblem(await as(users.paymentApprover).post(`/rosters/${rosterId}/approve`), 409);

    const events = await poolEvents(fundId);
    expect(events.map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'RosterBatchReserved',
      'DisbursementRequested',
      'DisbursementRequested',
    ]);
    expect(events[1]?.data).toMatchObject({
      rosterId,
      fileSha256,
      entryCount: 2,
      amountFen: '480050',
    });
    expect(events[2]?.data).toMatchObject({
      transferId: `${rosterId}-2`,
      amountFen: '360000',
      requestedBy: users.approver.id,
      rosterBatchRef: rosterId,
      rosterEntryRef: `${rosterId}#2`,
      rosterEntry: {
        rosterId,
        row: 2,
        fileSha256,
        uploadedBy: users.clerk.id,
        approvedBy: users.approver.id,
      },
      beneficiary: { kind: 'person', name: '张三', idNumber: id('001') },
    });
    expect(events[3]?.data).toMatchObject({ transferId: `${rosterId}-4`, amountFen: '120050' });

    const summary = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
    expect(summary.body).toMatchObject({
      status: 'approved',
      approvedBy: { id: users.approver.id },
      disbursementJobId: approved.body.jobId,
    });
    const pool = await as(users.countyFinance).get(`/pools/${fundId}/${township}`).expect(200);
    expect(pool.body).toMatchObject({ balance: '495199.50', pending: '4800.50' });

    // The roster approver requested the payments, so another person approves each of them.
    expectProblem(await as(users.approver).post(`/disbursements/${rosterId}-2/approve`), 422);
    await as(users.paymentApprover).post(`/disbursements/${rosterId}-2/approve`).expect(201);
    await as(users.paymentApprover).post(`/disbursements/${rosterId}-4/approve`).expect(201);

    // The bank's settlement file: good lines applied, bad ones reported by row, nothing else.
    const settlement = utf8Csv([
      ['转账编号', '结果', '银行流水号', '失败原因'],
      [`${rosterId}-2`, '成功', 'BK20260301-0001', ''],
      [`${rosterId}-4`, '失败', '', '账户已销户'],
      [`${rosterId}-3`, '成功', 'BK20260301-0003', ''],
      ['ro-530325102-000000000000-2', 'paid', 'BK-X', ''],
      [`${rosterId}-2`, '成功', '', ''],
      [`${rosterId}-2`, '不知道', 'BK', ''],
    ]);
    const settle = () =>
      as(users.bank).postForm(
        `/rosters/${rosterId}/settle`,
        {},
        { file: { bytes: settlement, fileName: '银行回单.csv' } },
      );
    const settled = await settle().expect(202);
    const settleJob = await finished(settled.body.jobId as string, users.bank);
    expect(settleJob.result).toEqual({
      rosterId,
      fileSha256: settled.body.fileSha256,
      lines: 6,
      paid: 1,
      failed: 1,
      unchanged: 0,
      problemCount: 4,
      problems: [
        {
          row: 4,
          field: 'transfer_id',
          reason: `Transfer ${rosterId}-3 does not exist in this pool`,
        },
        {
          row: 5,
          field: 'transfer_id',
          reason: `is not a payment of roster ${rosterId} (<rosterId>-<row>)`,
        },
        { row: 6, field: 'bank_reference', reason: 'is required when paid' },
        { row: 7, field: 'outcome', reason: 'must be 成功 / paid or 失败 / failed' },
      ],
    });
    const afterSettle = (await poolEvents(fundId)).map((event) => event.type);
    expect(afterSettle.slice(-2)).toEqual(['DisbursementPaid', 'DisbursementFailed']);
    // The same file again is the same job: nothing changes twice.
    const repeated = await settle().expect(202);
    expect(repeated.body.jobId).toBe(settled.body.jobId);
    expect((await poolEvents(fundId)).map((event) => event.type)).toEqual(afterSettle);
    const settledSummary = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
    expect(settledSummary.body.settlementFiles).toEqual([
      {
        file: expect.objectContaining({ sha256: settled.body.fileSha256, name: '银行回单.csv' }),
        uploadedBy: users.bank,
        settlementJobId: settled.body.jobId,
      },
    ]);
    // Traceability: from the payment back to the roster, its row, its file, uploader and approver.
    const trace = {
      rosterId,
      row: 2,
      fileSha256,
      uploadedBy: users.clerk.id,
      approvedBy: users.approver.id,
    };
    const person = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/history/person/${id('001')}`)
        .expect(200);
      expect(response.body.payments[0]?.status).toBe('paid');
      return response.body as { payments: Record<string, unknown>[] };
    }, 30_000);
    expect(person.payments).toEqual([
      expect.objectContaining({
        transferId: `${rosterId}-2`,
        amountFen: '360000',
        status: 'paid',
        bankReference: 'BK20260301-0001',
        requestedBy: users.approver.id,
        approvedBy: users.paymentApprover.id,
        rosterEntryRef: `${rosterId}#2`,
        rosterEntry: trace,
      }),
    ]);
    const card = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/households/${householdId}/card`)
        .expect(200);
      expect(response.body.payments[0]?.status).toBe('paid');
      return response.body as { payments: Record<string, unknown>[] };
    }, 30_000);
    expect(card.payments).toEqual([
      expect.objectContaining({
        transferId: `${rosterId}-2`,
        amount: '3600.00',
        status: 'paid',
        bankReference: 'BK20260301-0001',
        approvedBy: users.paymentApprover.id,
        rosterEntry: trace,
      }),
    ]);
    const history = await as(users.commission)
      .get(`/history/pools/${fundId}/${township}`)
      .expect(200);
    const requestedInHistory = (
      history.body.entries as { event: { type: string; data: Record<string, unknown> } }[]
    ).find(
      (entry) =>
        entry.event.type === 'DisbursementRequested' &&
        entry.event.data['transferId'] === `${rosterId}-2`,
    );
    expect(requestedInHistory?.event.data['rosterEntry']).toEqual(trace);

    // A file that is no settlement file is refused whole.
    const notSettlement = await as(users.bank).postForm(
      `/rosters/${rosterId}/settle`,
      {},
      {
        file: {
          bytes: utf8Csv([header, ['张三', id('001'), villageInside, '1', '1']]),
          fileName: 'x.csv',
        },
      },
    );
    expectProblem(notSettlement, 400, ['file']);
    expect(notSettlement.body.detail).toMatch(/转账编号 \/ transfer_id/);
  });

  it('refuses a roster the pool cannot cover, whole, and writes nothing', async () => {
    const roster = await uploadParsed(
      [
        ['张三', id('011'), villageInside, '6228480012345678', '600'],
        ['李四', id('012'), villageInside, '6228480012345679', '600'],
      ],
      smallFundId,
    );
    const refused = await as(users.approver).post(`/rosters/${roster.rosterId}/approve`);
    expectProblem(refused, 409);
    expect(refused.body.type).toMatch(/funds\/roster-not-covered$/);
    expect((await poolEvents(smallFundId)).map((event) => event.type)).toEqual([
      'FundsAppropriated',
    ]);
    const summary = await as(users.approver).get(`/rosters/${roster.rosterId}`).expect(200);
    expect(summary.body.status).toBe('parsed');
  });
});
