/*
 * Cross-checks look at payments, not only roster lines (issue 17), end to end over HTTP: a
 * person recorded as deceased in a registry snapshot is paid directly from a township's pool
 * after the death, and a commission's cross-check of the township flags that payment under
 * `deceased`, its evidence naming the payment's DisbursementRequested and resolving the
 * payment's events, and the household card and payment history of the person list it; payments
 * rejected or failed at the bank are not checked; a roster line paid through the pool is flagged
 * once, as the line (its payment is no second subject); a re-run raises nothing new; and another
 * county's commission may neither run the check nor read the finding.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'cross-checks-payments-e2e-secret-'.padEnd(48, 'p');
const county = '530325';
const township = '530325102';
const village = '530325102202';
const fundId = 'yn-2019-wgai-payments';
const pool = `pool-${fundId}.${township}`;
const users = {
  clerk: { id: 'clerk-ys', role: 'village_staff', division: township },
  finance: { id: 'cz-530325102', role: 'finance', division: township },
  countyFinance: { id: 'cz-530325', role: 'finance', division: county },
  rosterApprover: { id: 'sp-530325', role: 'approver', division: county },
  paymentApprover: { id: 'sp-530325102', role: 'approver', division: township },
  bank: { id: 'bank-530325', role: 'bank', division: county },
  commission: { id: 'jw-530325', role: 'commission', division: county },
  neighbour: { id: 'jw-530322', role: 'commission', division: '530322' },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const people = {
  /** Died 2018-12-01; paid directly afterwards. */
  paidAfterDeath: id('005'),
  /** Died 2018-12-01; a payment to him was rejected. */
  rejected: id('009'),
  /** Died 2018-12-01; a payment to him failed at the bank. */
  failed: id('013'),
  /** Died 2018-12-01; on the roster, and paid through the pool from it. */
  onRoster: id('007'),
  alive: id('011'),
};
const householdId = `hh-${village}-1`;
const directPayment = 'd-pay-deceased-1';
const rejectedPayment = 'd-pay-deceased-2';
const failedPayment = 'd-pay-deceased-3';

interface CheckResult {
  subjects: number;
  hits: number;
  raised: number;
  byRule: Record<string, { hits: number; raised: number }>;
  findingIds: string[];
  flaggedSubjects: string[];
}

interface ListedFinding {
  findingId: string;
  subjectId: string;
  subjectIdNumber: string;
  period: string;
}

describe('cross-checks over the payments to persons', () => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let db: Client;
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

  const check = async (): Promise<CheckResult> => {
    const response = await as(users.commission)
      .post('/cross-checks', { division: township, rules: ['deceased'] })
      .expect(202);
    return completed<CheckResult>(response.body.jobId);
  };

  const requestPayment = (transferId: string, idNumber: string, name: string) =>
    eventually(async () => {
      await as(users.finance)
        .post(`/funds/${fundId}/disbursements`, {
          transferId,
          divisionCode: township,
          beneficiary: {
            kind: 'person',
            id: `p-${idNumber}`,
            name,
            idNumber,
            bankAccount: '6228 4800 1234 5690',
          },
          amount: '3000.00',
          purpose: '危房改造补助',
        })
        .expect(201);
    });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'cross_checks_payments',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-cross-checks-payments-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
    });
    as = actorClients(app.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();

    const deaths = await as(users.commission)
      .postForm(
        '/registries/deaths/snapshots',
        { divisionCode: county, asOf: '2019-01-31' },
        {
          file: {
            bytes: utf8Csv([
              ['身份证号', '姓名', '死亡日期'],
              [people.paidAfterDeath, '王五', '2018-12-01'],
              [people.rejected, '钱七', '2018-12-01'],
              [people.failed, '周九', '2018-12-01'],
              [people.onRoster, '赵六', '2018-12-01'],
            ]),
            fileName: 'deaths-2019-01-31.csv',
          },
        },
      )
      .expect(202);
    await completed(deaths.body.jobId);

    // 王五's household: its card lists the findings on any of its members' ID numbers.
    await as(users.clerk)
      .post('/households', {
        householdId,
        villageCode: village,
        headName: '王五',
        address: '营上镇第三村民小组12号',
        identificationStandard: '国家',
        attribute: '一般贫困户',
        mainCause: '因病',
        otherCauses: [],
        bankName: '富源县农村信用合作联社',
        bankAccount: '6228480012345690',
        phone: '13800000000',
        identifiedYear: 2016,
      })
      .expect(201);
    await as(users.clerk)
      .post(`/households/${householdId}/members`, {
        idNumber: people.paidAfterDeath,
        name: '王五',
        relation: '户主',
        sex: '男',
        birthDate: '1980-01-01',
        health: '健康',
        schooling: '初中',
        labour: '普通劳动力',
      })
      .expect(201);

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

    // A roster listing a deceased person: its own check flags the line before approval, which
    // then needs a reason; the approval requests the lines' payments from the pool.
    const roster = await as(users.finance)
      .postForm(
        '/rosters',
        { fundId, divisionCode: township, purpose: '危房改造', period: '2019年' },
        {
          file: {
            bytes: utf8Csv([
              ['姓名', '身份证号', '村组', '银行账号', '金额', '申请日期'],
              ['赵六', people.onRoster, village, '6228480012345681', '20000', '2019-03-01'],
              ['孙八', people.alive, village, '6228480012345682', '20000', '2019-03-01'],
            ]),
            fileName: '危改花名册.csv',
          },
        },
      )
      .expect(202);
    rosterId = roster.body.rosterId;
    await completed(roster.body.jobId, users.finance);
    const approval = await as(users.rosterApprover)
      .post(`/rosters/${rosterId}/approve`, {
        reason: '赵六死亡前已完成危房改造验收，补助由其配偶领取',
      })
      .expect(202);
    await completed(approval.body.jobId, users.rosterApprover);

    // Paid directly after the death; another direct payment rejected.
    await requestPayment(directPayment, people.paidAfterDeath, '王五');
    await as(users.paymentApprover).post(`/disbursements/${directPayment}/approve`).expect(201);
    await as(users.bank)
      .post(`/disbursements/${directPayment}/settle`, {
        outcome: 'paid',
        bankReference: `RCC-${directPayment}`,
      })
      .expect(201);
    await requestPayment(rejectedPayment, people.rejected, '钱七');
    await as(users.paymentApprover)
      .post(`/disbursements/${rejectedPayment}/reject`, { reason: '核实为已故人员，不予支付' })
      .expect(201);
    await requestPayment(failedPayment, people.failed, '周九');
    await as(users.paymentApprover).post(`/disbursements/${failedPayment}/approve`).expect(201);
    await as(users.bank)
      .post(`/disbursements/${failedPayment}/settle`, {
        outcome: 'failed',
        failureReason: '账户已销户',
      })
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const paymentSubject = (transferId: string) => `payment:${pool}/${transferId}`;
  const line = (row: number) => `roster-entry:${rosterId}#${row}`;

  it('flags the direct payment after the death, the roster line once, not the rejected or failed payments; nothing new on a re-run', async () => {
    // The roster's payments were requested from the pool: they are there, and not checked again.
    const fromRoster = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events
        WHERE stream_name = $1 AND type = 'DisbursementRequested' AND data ? 'rosterEntry'`,
      [pool],
    );
    expect(fromRoster.rows[0]?.n).toBe(2);

    const first = await check();
    // Two roster lines and the one direct payment neither rejected, failed nor made from a line.
    expect(first.subjects).toBe(3);
    expect(first.byRule.deceased).toEqual({ hits: 2, raised: 1 });
    expect([...first.flaggedSubjects].sort()).toEqual(
      [line(2), paymentSubject(directPayment)].sort(),
    );

    const again = await check();
    expect(again).toMatchObject({ hits: 2, raised: 0 });
    expect([...again.findingIds].sort()).toEqual([...first.findingIds].sort());
  });

  it('names the payment’s request as the evidence and resolves the payment’s events', async () => {
    const listed = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/findings?division=${township}&rule=deceased&period=2019&limit=100`)
        .expect(200);
      expect(response.body.total).toBe(1);
      return response.body.items as ListedFinding[];
    }, 30_000);
    expect(listed[0]).toMatchObject({
      subjectId: paymentSubject(directPayment),
      subjectIdNumber: people.paidAfterDeath,
      period: '2019',
    });
    const findingId = (listed[0] as ListedFinding).findingId;

    const requested = await db.query<{ event_id: string; position: string }>(
      `SELECT event_id, position::text AS position FROM events
        WHERE stream_name = $1 AND type = 'DisbursementRequested' AND data ->> 'transferId' = $2`,
      [pool, directPayment],
    );
    const request = requested.rows[0] as { event_id: string; position: string };
    const finding = (await as(users.commission).get(`/findings/${findingId}`).expect(200)).body;
    expect(finding).toMatchObject({
      ruleId: 'deceased',
      divisionCode: township,
      subject: {
        id: paymentSubject(directPayment),
        kind: 'payment',
        name: '王五',
        idNumber: people.paidAfterDeath,
        villageCode: township,
        fundId,
        purpose: '危房改造补助',
        period: '2019',
        amountFen: '300000',
        event: { eventId: request.event_id, streamName: pool },
      },
      registryRows: [expect.objectContaining({ kind: 'deaths', row: 1 })],
    });
    expect(finding.subject.rosterId).toBeUndefined();
    expect(finding.explanation.zh).toContain('已于2018-12-01死亡');
    expect(finding.evidence.subject.payment.request).toMatchObject({
      transferId: directPayment,
      beneficiary: { kind: 'person', idNumber: people.paidAfterDeath },
      amountFen: '300000',
    });
    expect(
      finding.evidence.subject.payment.events.map((event: { type: string }) => event.type),
    ).toEqual(['DisbursementRequested', 'DisbursementApproved', 'DisbursementPaid']);
    expect(finding.evidence.subject.payment.events[0]).toEqual({
      eventId: request.event_id,
      position: expect.any(String),
      streamName: pool,
      type: 'DisbursementRequested',
    });
    const card = await eventually(async () => {
      const response = await as(users.commission)
        .get(`/households/${householdId}/card`)
        .expect(200);
      expect(response.body.openFindings.total).toBe(1);
      return response.body;
    }, 30_000);
    expect(card.openFindings.items).toEqual([
      expect.objectContaining({ findingId, ruleId: 'deceased', subjectName: '王五' }),
    ]);
    const history = (
      await as(users.commission).get(`/history/person/${people.paidAfterDeath}`).expect(200)
    ).body;
    expect(history.payments).toEqual([expect.objectContaining({ transferId: directPayment })]);
    expect(history.openFindings).toEqual({
      items: [expect.objectContaining({ findingId, ruleId: 'deceased', subjectName: '王五' })],
      total: 1,
    });
    expect(finding.evidence.registryRows).toEqual([
      expect.objectContaining({
        row: expect.objectContaining({ idNumber: people.paidAfterDeath }),
      }),
    ]);
  });

  it('refuses another county’s commission the check of the township and the finding', async () => {
    const before = await db.query<{ head: string }>(
      'SELECT coalesce(max(position), 0)::text AS head FROM events',
    );
    expectProblem(
      await as(users.neighbour).post('/cross-checks', { division: township }).expect(403),
      403,
    );
    const finding = (await check()).findingIds.find((findingId) =>
      findingId.startsWith(`fd-${township}-`),
    ) as string;
    expect(finding).toBeDefined();
    expectProblem(await as(users.neighbour).get(`/findings/${finding}`).expect(403), 403);
    const after = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE position > $1 AND type = 'FindingRaised'`,
      [before.rows[0]?.head],
    );
    expect(after.rows[0]?.n).toBe(0);
  });
});
