/*
 * A roster approval interrupted between its two appends freezes no money, over real HTTP: the
 * store is made to refuse `RosterApproved` (a trigger standing in for the process dying after
 * `RosterBatchReserved`), so the pool holds the roster's total for a roster still parsed. Then
 * (a) rejecting the roster releases the reservation (`RosterBatchReleased`): the pool and the
 * dashboards show what they did before, and a disbursement needing that money goes through;
 * a rejection interrupted between the release and `RosterRejected` finishes when repeated, and an
 * approval meanwhile is refused; (b) repeating the approval finishes it exactly once, and an
 * approval with another decision (other excluded rows, another total) is refused with 409
 * FUNDS.ROSTER_BATCH_CONFLICT, nothing written, until the original decision is repeated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, apiPrefix, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'roster-interrupted-e2e-secret-'.padEnd(48, 'i');
const fundId = 'yn-2026-roster-interrupted';
const township = '530325102';
const villageInside = '530325102202';
const users = {
  clerk: { id: 'u-clerk', role: 'finance', division: township },
  countyFinance: { id: 'u-county-finance', role: 'finance', division: '530325' },
  approver: { id: 'u-approver', role: 'approver', division: '530325' },
  commission: { id: 'u-commission', role: 'commission', division: '530325' },
} satisfies Record<string, Actor>;
const header = ['姓名', '身份证号', '村组', '银行账号', '金额'];
const person = (sequence: string, amount: string) => [
  `村民${sequence}`,
  makeIdNumber('530325', '19800101', sequence),
  villageInside,
  `6228480012${sequence}0000`,
  amount,
];

describe('a roster approval interrupted between its two appends', () => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: Actor) => ActorClient;

  const sql = async <Row extends object>(text: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<Row & Record<string, unknown>>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const poolEvents = (fund = fundId) =>
    sql<{ type: string; data: Record<string, unknown> }>(
      'SELECT type, data FROM events WHERE stream_name = $1 ORDER BY revision',
      [`pool-${fund}.${township}`],
    );
  const rosterEventTypes = async (rosterId: string) =>
    (
      await sql<{ type: string }>(
        'SELECT type FROM events WHERE stream_name = $1 ORDER BY revision',
        [`roster-${rosterId}`],
      )
    ).map((row) => row.type);

  /**
   * A POST whose answer is the interruption itself (a 500 no route documents), so it is sent
   * without the OpenAPI check the actor clients make.
   */
  const interruptedPost = (actor: Actor, route: string, body: object = {}) =>
    request(app.server)
      .post(`${apiPrefix}${route}`)
      .set('Authorization', `Bearer ${signAccessToken(jwtSecret, { actor, scopes: [] })}`)
      .send(body);

  /** Runs `act` while the store refuses every event of type `eventType` (the interruption). */
  const refusing = async <T>(eventType: string, act: () => Promise<T>): Promise<T> => {
    await sql(`
      CREATE FUNCTION interrupted_append() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the process died here'; END $$;
      CREATE TRIGGER interrupted_append BEFORE INSERT ON events FOR EACH ROW
        WHEN (NEW.type = '${eventType}') EXECUTE FUNCTION interrupted_append();
    `);
    try {
      return await act();
    } finally {
      await sql(`
        DROP TRIGGER interrupted_append ON events;
        DROP FUNCTION interrupted_append();
      `);
    }
  };

  const finished = async (jobId: string, by: Actor) =>
    eventually(async () => {
      const response = await as(by).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as { result: unknown };
    }, 60_000);

  const uploadParsed = async (rows: string[][], fund = fundId) => {
    const response = await as(users.clerk)
      .postForm(
        '/rosters',
        { fundId: fund, divisionCode: township, purpose: '产业发展补助', period: '2026年第三批' },
        { file: { bytes: utf8Csv([header, ...rows]), fileName: '营上镇花名册.csv' } },
      )
      .expect(202);
    await finished(response.body.jobId as string, users.clerk);
    return response.body.rosterId as string;
  };

  /** Reserved on the pool, then RosterApproved refused: what a crash between the two leaves. */
  const interruptedApproval = async (rosterId: string, decision: object = {}) => {
    const refused = await refusing('RosterApproved', async () =>
      interruptedPost(users.approver, `/rosters/${rosterId}/approve`, decision),
    );
    expectProblem(refused, 500);
    expect(await rosterEventTypes(rosterId)).not.toContain('RosterApproved');
    const summary = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
    expect(summary.body.status).toBe('parsed');
  };

  const pool = async () =>
    (await as(users.countyFinance).get(`/pools/${fundId}/${township}`).expect(200)).body as {
      balance: string;
      pending: string;
    };
  /** The township's and the county's dashboards, once they have caught up with `expected`. */
  const dashboardsShow = (expected: { balance: string; pending: string }) =>
    eventually(async () => {
      for (const code of [township, '530325']) {
        const dashboard = await as(users.commission).get(`/dashboards/${code}`).expect(200);
        expect({ code, ...dashboard.body.totals }).toMatchObject({ code, ...expected });
      }
    }, 30_000);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'roster_interrupted_e2e',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roster-interrupted-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
    });
    as = actorClients(app.server, jwtSecret);
    await as(users.countyFinance)
      .post('/funds', {
        fundId,
        name: '富源县危房改造补助资金',
        fiscalYear: 2026,
        purposeCategory: '危房改造',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '10000.00' },
      })
      .expect(201);
  });
  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('(a) rejecting the roster releases its reservation: the money is whole and spendable again', async () => {
    const rosterId = await uploadParsed([person('001', '3600'), person('002', '2400')]);
    await dashboardsShow({ balance: '10000.00', pending: '0.00' });
    await interruptedApproval(rosterId);

    // The money is frozen: reserved for a roster nobody approved, too little left for others.
    expect((await poolEvents()).map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'RosterBatchReserved',
    ]);
    expect(await pool()).toMatchObject({ balance: '4000.00', pending: '6000.00' });
    await dashboardsShow({ balance: '4000.00', pending: '6000.00' });
    const disbursement = {
      transferId: 'disb-530325102-interrupted-1',
      divisionCode: township,
      beneficiary: {
        kind: 'household',
        id: 'hh-530325102202-9',
        name: '赵六',
        idNumber: makeIdNumber('530325', '19800101', '009'),
        bankAccount: '6228480012999999',
      },
      amount: '8000.00',
      purpose: '危房改造补助',
    };
    const tooLittle = await as(users.clerk).post(`/funds/${fundId}/disbursements`, disbursement);
    expectProblem(tooLittle, 422);
    expect(tooLittle.body.type).toMatch(/insufficient-funds$/);

    const rejected = await as(users.approver)
      .post(`/rosters/${rosterId}/reject`, { reason: '名单有误，退回重报' })
      .expect(201);
    expect(rejected.body.status).toBe('rejected');
    const events = await poolEvents();
    expect(events.map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'RosterBatchReserved',
      'RosterBatchReleased',
    ]);
    expect(events[2]?.data).toEqual({
      transferId: rosterId,
      fundId,
      divisionCode: township,
      rosterId,
      entryCount: 2,
      amountFen: '600000',
      reason: '名单有误，退回重报',
    });
    expect(await pool()).toMatchObject({ balance: '10000.00', pending: '0.00' });
    await dashboardsShow({ balance: '10000.00', pending: '0.00' });

    // Repeated, the rejection writes nothing more; the roster is never approved after it.
    await as(users.approver)
      .post(`/rosters/${rosterId}/reject`, { reason: '名单有误，退回重报' })
      .expect(200)
      .expect('Idempotent-Replayed', 'true');
    expectProblem(await as(users.approver).post(`/rosters/${rosterId}/approve`), 409);
    expect(await poolEvents()).toHaveLength(3);

    // The released money pays what it could not before.
    await as(users.clerk).post(`/funds/${fundId}/disbursements`, disbursement).expect(201);
    expect(await pool()).toMatchObject({ balance: '2000.00', pending: '8000.00' });
    await dashboardsShow({ balance: '2000.00', pending: '8000.00' });
  });

  it('(a) a rejection interrupted between the release and RosterRejected finishes when repeated', async () => {
    const rosterId = await uploadParsed([person('011', '500'), person('012', '500')]);
    await interruptedApproval(rosterId);
    expect(await pool()).toMatchObject({ balance: '1000.00', pending: '9000.00' });

    const refused = await refusing('RosterRejected', async () =>
      interruptedPost(users.approver, `/rosters/${rosterId}/reject`, { reason: '金额有误' }),
    );
    expectProblem(refused, 500);
    // Released already: the money is back though the roster is still parsed.
    expect((await poolEvents()).slice(-2).map((event) => event.type)).toEqual([
      'RosterBatchReserved',
      'RosterBatchReleased',
    ]);
    expect(await pool()).toMatchObject({ balance: '2000.00', pending: '8000.00' });
    const summary = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
    expect(summary.body.status).toBe('parsed');

    // Approving it now would pay from money it no longer holds: refused, nothing written.
    const approval = await as(users.approver).post(`/rosters/${rosterId}/approve`);
    expectProblem(approval, 409);
    expect(approval.body.type).toMatch(/funds\/roster-batch-released$/);
    expect(await rosterEventTypes(rosterId)).not.toContain('RosterApproved');

    const poolBefore = await poolEvents();
    await as(users.approver)
      .post(`/rosters/${rosterId}/reject`, { reason: '金额有误' })
      .expect(201)
      .expect('Idempotent-Replayed', 'false');
    expect(await poolEvents()).toEqual(poolBefore);
    expect(await rosterEventTypes(rosterId)).toContain('RosterRejected');
    await dashboardsShow({ balance: '2000.00', pending: '8000.00' });
  });

  it('(b) repeating the interrupted approval finishes it exactly once', async () => {
    const rosterId = await uploadParsed([person('021', '1000'), person('022', '500')]);
    await interruptedApproval(rosterId);
    expect(await pool()).toMatchObject({ balance: '500.00', pending: '9500.00' });

    const approved = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
    expect(approved.body).toMatchObject({ rosterId, accepted: 2, total: '1500.00' });
    const job = await finished(approved.body.jobId as string, users.approver);
    expect(job.result).toEqual({ rosterId, requested: 2, totalFen: '150000' });
    // Once more: the same job, nothing written.
    const again = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
    expect(again.body.jobId).toBe(approved.body.jobId);

    const ofRoster = (await poolEvents()).filter(
      (event) => event.data['transferId'] === rosterId || event.data['rosterBatchRef'] === rosterId,
    );
    expect(ofRoster.map((event) => [event.type, event.data['transferId']])).toEqual([
      ['RosterBatchReserved', rosterId],
      ['DisbursementRequested', `${rosterId}-2`],
      ['DisbursementRequested', `${rosterId}-3`],
    ]);
    expect(
      (await rosterEventTypes(rosterId)).filter((type) => type === 'RosterApproved'),
    ).toHaveLength(1);
    expect(await pool()).toMatchObject({ balance: '500.00', pending: '9500.00' });
    await dashboardsShow({ balance: '500.00', pending: '9500.00' });
  });

  it('(b) refuses an approval with another decision, naming what is reserved, and writes nothing', async () => {
    const otherFund = 'yn-2026-roster-interrupted-b';
    await as(users.countyFinance)
      .post('/funds', {
        fundId: otherFund,
        name: '富源县危房改造补助资金（二）',
        fiscalYear: 2026,
        purposeCategory: '危房改造',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '2000.00' },
      })
      .expect(201);
    // Four people paid into one bank account: every line flagged (shared-bank-account).
    const sharedAccount = (sequence: string, amount: string) => {
      const row = person(sequence, amount);
      row[3] = '6228480012777777';
      return row;
    };
    const rosterId = await uploadParsed(
      [
        sharedAccount('031', '1000'),
        sharedAccount('032', '300'),
        sharedAccount('033', '100'),
        sharedAccount('034', '100'),
      ],
      otherFund,
    );
    const summary = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
    expect(summary.body.check.flagged.map((line: { row: number }) => line.row)).toEqual([
      2, 3, 4, 5,
    ]);
    const paidAnyway = { reason: '四人为同一户，共用户主账户，核实无误' };
    await interruptedApproval(rosterId, paidAnyway);
    const reservedOnly = await poolEvents(otherFund);
    expect(reservedOnly.map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'RosterBatchReserved',
    ]);

    // Leaving row 3 out would pay 1200.00 of the 1500.00 reserved: refused, nothing written.
    const other = await as(users.approver).post(`/rosters/${rosterId}/approve`, {
      excludedRows: [3],
      reason: '其余三人为同一户，核实无误',
    });
    expectProblem(other, 409);
    expect(other.body.type).toMatch(/funds\/roster-batch-conflict$/);
    expect(other.body.detail).toMatch(/4 lines of 150000 fen reserved/);
    expect(await poolEvents(otherFund)).toEqual(reservedOnly);
    expect(await rosterEventTypes(rosterId)).not.toContain('RosterApproved');

    // The decision that reserved it finishes it.
    const approved = await as(users.approver)
      .post(`/rosters/${rosterId}/approve`, paidAnyway)
      .expect(202);
    expect(approved.body).toMatchObject({ accepted: 4, total: '1500.00' });
    await finished(approved.body.jobId as string, users.approver);
    expect((await poolEvents(otherFund)).map((event) => event.type)).toEqual([
      'FundsAppropriated',
      'RosterBatchReserved',
      'DisbursementRequested',
      'DisbursementRequested',
      'DisbursementRequested',
      'DisbursementRequested',
    ]);
  });
});
