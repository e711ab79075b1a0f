// Proves over real HTTP on a fresh PostgreSQL database that a fund line appropriated to Yunnan flows province → prefecture → county → township and out to 50 households under maker-checker with every pool's figures exact and the money conserved, that repeats are idempotent and refusals write nothing, that a pool's stream pages with the acting user in each event's metadata, and that the resulting log passes `verifyPostgresLog` and `sunlight verify`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import type { Actor } from '@sunlight/kernel';
import { verifyPostgresLog } from '@sunlight/event-store/postgres';
import { makeIdNumber } from '@sunlight/geo';
import { requireEnv, startTestApp } from './support/test-app';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually, mapConcurrently } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'funds-e2e-secret-'.padEnd(48, 'f');
const repoRoot = path.resolve(__dirname, '..');
const problemType = (code: string) => `https://sunlight.example/problems/${code}`;

// ---------------------------------------------------------------------------------------------
// Money, computed here in integer fen and formatted here, so the app's arithmetic is checked
// against an independent one rather than against itself.

function yuan(fen: bigint): string {
  if (fen < 0n) throw new RangeError(`negative amount ${fen}`);
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
}

function fenOf(yuanText: string): bigint {
  expect(yuanText).toMatch(/^\d+\.\d{2}$/);
  return BigInt(yuanText.replace('.', ''));
}

const figureNames = [
  'balance',
  'received',
  'sent',
  'inTransit',
  'disbursed',
  'pending',
  'returned',
] as const;
type Figures = Record<(typeof figureNames)[number], bigint>;

/** What every pool should show, moved by the same steps the scenario takes over HTTP. */
function createLedger() {
  const pools = new Map<string, Figures>();
  const pool = (division: string): Figures => {
    let figures = pools.get(division);
    if (figures === undefined) {
      figures = {
        balance: 0n,
        received: 0n,
        sent: 0n,
        inTransit: 0n,
        disbursed: 0n,
        pending: 0n,
        returned: 0n,
      };
      pools.set(division, figures);
    }
    return figures;
  };
  return {
    pool,
    divisions: () => [...pools.keys()],
    appropriate(division: string, amountFen: bigint) {
      pool(division).received += amountFen;
      pool(division).balance += amountFen;
    },
    /** Sent and received: the relay has run, so nothing is in transit. */
    allocate(from: string, to: string, amountFen: bigint) {
      pool(from).sent += amountFen;
      pool(from).balance -= amountFen;
      pool(to).received += amountFen;
      pool(to).balance += amountFen;
    },
    request(division: string, amountFen: bigint) {
      pool(division).balance -= amountFen;
      pool(division).pending += amountFen;
    },
    approve(division: string, amountFen: bigint) {
      pool(division).pending -= amountFen;
      pool(division).disbursed += amountFen;
    },
    reject(division: string, amountFen: bigint) {
      pool(division).pending -= amountFen;
      pool(division).balance += amountFen;
    },
    failPayment(division: string, amountFen: bigint) {
      pool(division).disbursed -= amountFen;
      pool(division).balance += amountFen;
    },
    /** A reversal (冲正) or a recovery (追回): paid money coming back to the pool. */
    giveBack(division: string, amountFen: bigint) {
      pool(division).returned += amountFen;
      pool(division).balance += amountFen;
    },
  };
}

function inYuan(figures: Figures): Record<(typeof figureNames)[number], string> {
  return Object.fromEntries(figureNames.map((name) => [name, yuan(figures[name])])) as Record<
    (typeof figureNames)[number],
    string
  >;
}

// ---------------------------------------------------------------------------------------------
// The people and the money of the scenario.

const fundId = 'yn-2026-e2e';
const county = '530325'; // 富源县, 曲靖市
const township = '530325102'; // 营上镇, a township of 富源县
const person = (id: string, role: Actor['role'], division: string): Actor => ({
  id,
  role,
  division,
});

const users = {
  province: person('fin-53-wang', 'finance', '53'),
  prefecture: person('fin-5303-zhao', 'finance', '5303'),
  county: person('fin-530325-chen', 'finance', county),
  township: person('fin-530325102-liu', 'finance', township),
  bank: person('bank-530325-rcc', 'bank', county),
  commission: person('jw-53-he', 'commission', '53'),
  // 麒麟区, a neighbouring county of 曲靖市: inside 5303 but outside 富源县.
  neighbour: person('fin-530302-sun', 'finance', '530302'),
};
// One person holding two roles under one id, as small offices do: maker-checker must still stop him.
const liSiAsFinance = person('li-si', 'finance', county);
const liSiAsApprover = person('li-si', 'approver', county);
const approvers = Array.from({ length: 52 }, (_, i) =>
  person(`appr-530325-${String(i + 1).padStart(2, '0')}`, 'approver', county),
);
const relayActor = { id: 'system:funds-processor', role: 'system', division: '' };

const appropriationFen = 1_000_000_000n; // 10,000,000.00 yuan
const allocations = [
  {
    transferId: 'alloc-53-5303-001',
    from: '53',
    to: '5303',
    amountFen: 600_000_000n,
    by: users.province,
  },
  {
    transferId: 'alloc-5303-530325-001',
    from: '5303',
    to: county,
    amountFen: 250_000_000n,
    by: users.prefecture,
  },
  {
    transferId: 'alloc-530325-530325102-001',
    from: county,
    to: township,
    amountFen: 81_234_567n,
    by: users.county,
  },
];
const townshipAllocation = allocations[2]!;

const surnames = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴'];
const givenNames = ['建国', '秀英', '志强', '桂兰', '文华'];

interface Disbursement {
  transferId: string;
  beneficiary: {
    kind: 'household';
    id: string;
    name: string;
    idNumber: string;
    bankAccount: string;
  };
  amountFen: bigint;
}

function household(sequence: number, amountFen: bigint): Disbursement {
  const seq3 = String(sequence).padStart(3, '0');
  const birthDate = `19${60 + (sequence % 40)}0${1 + (sequence % 9)}1${sequence % 10}`;
  return {
    transferId: `disb-530325102-${String(sequence).padStart(4, '0')}`,
    beneficiary: {
      kind: 'household',
      id: `hh-530325102-${seq3}`,
      name: `${surnames[sequence % surnames.length]}${givenNames[sequence % givenNames.length]}`,
      idNumber: makeIdNumber(county, birthDate, seq3),
      bankAccount: `6217 9973 0000 0${seq3}`,
    },
    amountFen,
  };
}

// 3,000.00 yuan plus 12.34 per household, so every amount differs and the sum has fen in it.
const households = Array.from({ length: 50 }, (_, i) =>
  household(i + 1, 300_000n + BigInt(i) * 1_234n),
);
const extraRequest = household(51, 500_000n);
const liSiRequest = household(52, 200_000n);
const reversed = households[6]!;
const recovered = households[12]!;
const recoveredPartFen = 100_000n;
const reversalBody = { transferId: `rev-${reversed.transferId}`, reason: '账户已销户，银行退回' };
const recoveryBody = {
  transferId: `rec-${recovered.transferId}`,
  amount: yuan(recoveredPartFen),
  reason: '虚报家庭人口，追回部分补助',
};
const rejectionReason = '花名册核对不符：该户已享受同类补助';

function disbursementBody(disbursement: Disbursement): Record<string, unknown> {
  return {
    transferId: disbursement.transferId,
    divisionCode: township,
    beneficiary: disbursement.beneficiary,
    amount: yuan(disbursement.amountFen),
    allocationRef: townshipAllocation.transferId,
    purpose: '产业发展补助（养牛）',
  };
}

function allocationBody(allocation: (typeof allocations)[number]): Record<string, unknown> {
  return {
    transferId: allocation.transferId,
    fromDivisionCode: allocation.from,
    toDivisionCode: allocation.to,
    amount: yuan(allocation.amountFen),
  };
}

const fundBody = {
  fundId,
  name: '2026年云南省产业发展专项资金（端到端测试）',
  fiscalYear: 2026,
  purposeCategory: '产业发展',
  source: '中央财政',
  appropriation: { divisionCode: '53', amount: yuan(appropriationFen) },
};

interface EventBody {
  streamName: string;
  revision: string;
  position: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { actor?: unknown };
  recordedAt: string;
}

describe('the funds ledger over HTTP: one fund line from Yunnan down to 50 households', () => {
  let app: NestExpressApplication;
  let server: Server;
  let databaseUrl: string;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  const ledger = createLedger();
  /** Every event an answer reported as newly written, by eventId, with who acted. */
  const written = new Map<string, { event: EventBody; actor: Actor }>();
  const answers = new Map<string, EventBody>();

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'funds');
    ({ app, server } = await startTestApp({
      DATABASE_URL: databaseUrl,
      PG_POOL_SIZE: '6',
      JWT_SECRET: jwtSecret,
    }));
    as = actorClients(server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  // -------------------------------------------------------------------------------------------
  // Helpers over the app and its database.

  async function logHead(): Promise<{ head: string; count: number }> {
    const { rows } = await db.query<{ head: string; count: number }>(
      'SELECT coalesce(max(position), 0)::text AS head, count(*)::int AS count FROM events',
    );
    return rows[0]!;
  }

  /** Expects a 201 that wrote `type` as `actor`, remembers it, and returns the event. */
  async function expectWritten(
    send: () => request.Test,
    type: string,
    actor: Actor,
    key: string,
  ): Promise<EventBody> {
    const response = await send();
    expect({ status: response.status, body: response.body }).toMatchObject({
      status: 201,
      body: { type },
    });
    expect(response.headers['idempotent-replayed']).toBe('false');
    const event = response.body as EventBody;
    expect(event.metadata.actor).toEqual(actor);
    written.set(event.eventId, { event, actor });
    answers.set(key, event);
    return event;
  }

  /** Expects the very same event back, marked as a replay, and nothing appended. */
  async function expectReplay(send: () => request.Test, original: EventBody): Promise<void> {
    const before = await logHead();
    const response = await send();
    expect({ status: response.status, replayed: response.headers['idempotent-replayed'] }).toEqual({
      status: 200,
      replayed: 'true',
    });
    expect(response.body).toEqual(original);
    expect(await logHead()).toEqual(before);
  }

  /** Expects a problem+json refusal and a log head that did not move. */
  async function expectRefused(
    send: () => request.Test,
    status: number,
    expected: { type?: string; fields?: string[] } = {},
  ): Promise<request.Response> {
    const before = await logHead();
    const response = await send();
    expectProblem(response, status, expected.fields);
    if (expected.type !== undefined) expect(response.body.type).toBe(expected.type);
    expect(await logHead()).toEqual(before);
    return response;
  }

  async function poolView(division: string): Promise<Record<string, unknown>> {
    const response = await as(users.commission).get(`/pools/${fundId}/${division}`);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body as Record<string, unknown>;
  }

  async function expectPools(...divisions: string[]): Promise<void> {
    for (const division of divisions) {
      const view = await poolView(division);
      const shown = Object.fromEntries(figureNames.map((name) => [name, view[name]]));
      expect({ division, ...shown }).toEqual({ division, ...inYuan(ledger.pool(division)) });
    }
  }

  const post = {
    disbursement: (actor: Actor, body: Record<string, unknown>) => () =>
      as(actor).post(`/funds/${fundId}/disbursements`, body),
    allocation: (actor: Actor, body: Record<string, unknown>) => () =>
      as(actor).post(`/funds/${fundId}/allocations`, body),
    approve: (actor: Actor, transferId: string) => () =>
      as(actor).post(`/disbursements/${transferId}/approve`),
    reject: (actor: Actor, transferId: string, reason: string) => () =>
      as(actor).post(`/disbursements/${transferId}/reject`, { reason }),
    settle: (actor: Actor, transferId: string, body: Record<string, unknown>) => () =>
      as(actor).post(`/disbursements/${transferId}/settle`, body),
    reverse: (actor: Actor, transferId: string, body: Record<string, unknown>) => () =>
      as(actor).post(`/transfers/${transferId}/reverse`, body),
    recover: (actor: Actor, transferId: string, body: Record<string, unknown>) => () =>
      as(actor).post(`/transfers/${transferId}/recover`, body),
  };

  // -------------------------------------------------------------------------------------------
  // The scenario, in order: each step builds on the one before.

  it('appropriates 10,000,000.00 yuan of 产业发展 money to Yunnan (53)', async () => {
    const created = await expectWritten(
      () => as(users.province).post('/funds', fundBody),
      'FundLineCreated',
      users.province,
      'fund',
    );

    expect(created).toMatchObject({
      streamName: `fund-${fundId}`,
      revision: '0',
      data: {
        fundId,
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: '53', amountFen: '1000000000' },
      },
    });
    ledger.appropriate('53', appropriationFen);
    await expectPools('53');
    const fund = await as(users.neighbour).get(`/funds/${fundId}`).expect(200);
    expect(fund.body).toMatchObject({
      fundId,
      appropriation: { divisionCode: '53', divisionName: '云南省', amount: '10000000.00' },
    });
  });

  it('allocates 53 → 5303 → 530325 → 530325102, each received once by the relay and nothing left in transit', async () => {
    for (const allocation of allocations) {
      const send = post.allocation(allocation.by, allocationBody(allocation));
      const sent = await expectWritten(
        send,
        'AllocationSent',
        allocation.by,
        allocation.transferId,
      );
      expect(sent).toMatchObject({
        streamName: `pool-${fundId}.${allocation.from}`,
        data: {
          transferId: allocation.transferId,
          toDivisionCode: allocation.to,
          amountFen: allocation.amountFen.toString(),
        },
      });
      ledger.allocate(allocation.from, allocation.to, allocation.amountFen);

      await eventually(async () =>
        expect((await poolView(allocation.to)).received).toBe(
          yuan(ledger.pool(allocation.to).received),
        ),
      );
      await expectPools(allocation.from, allocation.to);
    }
    expect(ledger.pool(township).balance).toBe(81_234_567n);
  });

  it('pays 50 households: requested five at a time, each approved by a different approver, settled as paid by the bank', async () => {
    await mapConcurrently(households, 5, (item) =>
      expectWritten(
        post.disbursement(users.township, disbursementBody(item)),
        'DisbursementRequested',
        users.township,
        `request/${item.transferId}`,
      ),
    );
    for (const item of households) ledger.request(township, item.amountFen);
    await expectPools(township);
    expect(await poolView(township)).toMatchObject({
      pendingApprovalCount: 50,
      awaitingSettlementCount: 0,
    });
    expect(answers.get(`request/${households[0]!.transferId}`)!.data).toMatchObject({
      requestedBy: users.township.id,
      allocationRef: townshipAllocation.transferId,
      beneficiary: households[0]!.beneficiary,
    });

    await mapConcurrently(households, 5, async (item, index) => {
      const approver = approvers[index]!;
      const approved = await expectWritten(
        post.approve(approver, item.transferId),
        'DisbursementApproved',
        approver,
        `approve/${item.transferId}`,
      );
      expect(approved.data).toMatchObject({
        requestedBy: users.township.id,
        approvedBy: approver.id,
        amountFen: item.amountFen.toString(),
      });
    });
    for (const item of households) ledger.approve(township, item.amountFen);
    await expectPools(township);
    expect(await poolView(township)).toMatchObject({
      pendingApprovalCount: 0,
      awaitingSettlementCount: 50,
    });

    await mapConcurrently(households, 5, async (item, index) => {
      const bankReference = `RCC-530325-20260315-${String(index + 1).padStart(6, '0')}`;
      const send = post.settle(users.bank, item.transferId, { outcome: 'paid', bankReference });
      const paid = await expectWritten(
        send,
        'DisbursementPaid',
        users.bank,
        `settle/${item.transferId}`,
      );
      expect(paid.data).toMatchObject({ bankReference, amountFen: item.amountFen.toString() });
    });
    await expectPools(township);
    expect(await poolView(township)).toMatchObject({
      pendingApprovalCount: 0,
      awaitingSettlementCount: 0,
    });
    expect(ledger.pool(township).disbursed).toBe(16_511_650n);
  });

  it('rejects one extra request with a reason, releasing its reservation', async () => {
    const send = post.disbursement(users.township, disbursementBody(extraRequest));
    await expectWritten(
      send,
      'DisbursementRequested',
      users.township,
      `request/${extraRequest.transferId}`,
    );
    ledger.request(township, extraRequest.amountFen);
    await expectPools(township);

    const approver = approvers[50]!;
    const rejected = await expectWritten(
      post.reject(approver, extraRequest.transferId, rejectionReason),
      'DisbursementRejected',
      approver,
      'reject',
    );
    expect(rejected.data).toMatchObject({
      rejectedBy: approver.id,
      reason: rejectionReason,
      amountFen: '500000',
    });
    expect(rejected.metadata.reason).toBe(rejectionReason);
    ledger.reject(township, extraRequest.amountFen);
    await expectPools(township);
  });

  it('reverses one paid disbursement (冲正) in full and recovers part of another (追回)', async () => {
    const reversal = await expectWritten(
      post.reverse(users.bank, reversed.transferId, reversalBody),
      'TransferReversed',
      users.bank,
      'reverse',
    );
    expect(reversal.data).toMatchObject({
      transferId: `rev-${reversed.transferId}`,
      originalTransferId: reversed.transferId,
      amountFen: reversed.amountFen.toString(),
    });
    ledger.giveBack(township, reversed.amountFen);

    const recovery = await expectWritten(
      post.recover(users.county, recovered.transferId, recoveryBody),
      'FundsRecovered',
      users.county,
      'recover',
    );
    expect(recovery.data).toMatchObject({
      originalTransferId: recovered.transferId,
      amountFen: recoveredPartFen.toString(),
    });
    expect(recovery.metadata.reason).toBe(recoveryBody.reason);
    ledger.giveBack(township, recoveredPartFen);
    await expectPools(township);
  });

  it('stops a requester approving or rejecting their own request, even holding both roles, and returns a failed payment to the pool', async () => {
    const send = post.disbursement(liSiAsFinance, disbursementBody(liSiRequest));
    await expectWritten(
      send,
      'DisbursementRequested',
      liSiAsFinance,
      `request/${liSiRequest.transferId}`,
    );
    ledger.request(township, liSiRequest.amountFen);

    await expectRefused(post.approve(liSiAsApprover, liSiRequest.transferId), 422, {
      type: problemType('funds/self-approval'),
    });
    // Maker-checker covers every decision: the requester cannot reject it either.
    await expectRefused(post.reject(liSiAsApprover, liSiRequest.transferId, '录入错误'), 422, {
      type: problemType('funds/self-approval'),
    });

    const approver = approvers[51]!;
    await expectWritten(
      post.approve(approver, liSiRequest.transferId),
      'DisbursementApproved',
      approver,
      `approve/${liSiRequest.transferId}`,
    );
    ledger.approve(township, liSiRequest.amountFen);
    const failed = await expectWritten(
      post.settle(users.bank, liSiRequest.transferId, {
        outcome: 'failed',
        failureReason: '收款账户已冻结',
      }),
      'DisbursementFailed',
      users.bank,
      `settle/${liSiRequest.transferId}`,
    );
    expect(failed.data).toMatchObject({ reason: '收款账户已冻结', amountFen: '200000' });
    ledger.failPayment(township, liSiRequest.amountFen);
    await expectPools(township);
  });

  it('shows every pool exactly and conserves the 10,000,000.00 yuan', async () => {
    const townshipFigures = ledger.pool(township);
    const returnedFen = reversed.amountFen + recoveredPartFen;
    expect(townshipFigures).toEqual({
      balance: 81_234_567n - 16_511_650n + returnedFen,
      received: 81_234_567n,
      sent: 0n,
      inTransit: 0n,
      disbursed: 16_511_650n,
      pending: 0n,
      returned: returnedFen,
    });
    await expectPools('53', '5303', county, township);
    expect(await poolView(township)).toMatchObject({
      divisionName: '营上镇',
      pendingApprovalCount: 0,
      awaitingSettlementCount: 0,
      // The allocation received, 52 disbursements, one reversal and one recovery.
      transferCount: 55,
    });

    let heldFen = 0n;
    for (const division of ['53', '5303', county, township]) {
      const view = (await poolView(division)) as Record<(typeof figureNames)[number], string>;
      heldFen +=
        fenOf(view.balance) +
        fenOf(view.pending) +
        fenOf(view.inTransit) +
        fenOf(view.disbursed) -
        fenOf(view.returned);
    }
    expect(heldFen).toBe(appropriationFen);
  });

  it('answers a repeated request with the very same event, marked Idempotent-Replayed, writing nothing', async () => {
    await expectReplay(() => as(users.province).post('/funds', fundBody), answers.get('fund')!);
    await expectReplay(
      post.allocation(users.county, allocationBody(townshipAllocation)),
      answers.get(townshipAllocation.transferId)!,
    );
    const first = households[0]!;
    await expectReplay(
      post.disbursement(users.township, disbursementBody(first)),
      answers.get(`request/${first.transferId}`)!,
    );
    await expectReplay(
      post.approve(approvers[0]!, first.transferId),
      answers.get(`approve/${first.transferId}`)!,
    );
    await expectReplay(
      post.settle(users.bank, first.transferId, {
        outcome: 'paid',
        bankReference: 'RCC-530325-20260315-000001',
      }),
      answers.get(`settle/${first.transferId}`)!,
    );
    await expectReplay(
      post.reject(approvers[50]!, extraRequest.transferId, rejectionReason),
      answers.get('reject')!,
    );
    await expectReplay(
      post.reverse(users.bank, reversed.transferId, reversalBody),
      answers.get('reverse')!,
    );
    await expectReplay(
      post.recover(users.county, recovered.transferId, recoveryBody),
      answers.get('recover')!,
    );
  });

  it('answers the same id with different content with 409 problem+json, writing nothing', async () => {
    await expectRefused(
      () =>
        as(users.province).post('/funds', {
          ...fundBody,
          appropriation: { divisionCode: '53', amount: '10000000.01' },
        }),
      409,
      { type: problemType('funds/fund-already-exists') },
    );
    await expectRefused(
      post.allocation(users.county, { ...allocationBody(townshipAllocation), amount: '1.00' }),
      409,
      { type: problemType('funds/transfer-conflict') },
    );
    await expectRefused(
      post.disbursement(users.township, {
        ...disbursementBody(households[0]!),
        amount: yuan(households[0]!.amountFen + 1n),
      }),
      409,
      { type: problemType('funds/transfer-conflict') },
    );
    // A transfer id names one movement: reusing a disbursement's id for a new one is a conflict too.
    await expectRefused(
      post.disbursement(users.township, {
        ...disbursementBody(household(60, 100n)),
        transferId: households[1]!.transferId,
      }),
      409,
      { type: problemType('funds/transfer-conflict') },
    );
    await expectRefused(
      post.recover(users.county, recovered.transferId, { ...recoveryBody, amount: '2.00' }),
      409,
      { type: problemType('funds/transfer-conflict') },
    );
  });

  it('refuses the wrong role, the wrong county and no token, writing nothing', async () => {
    const newRequest = disbursementBody(household(61, 10_000n));
    await expectRefused(post.disbursement(approvers[0]!, newRequest), 403, {
      type: problemType('auth/forbidden-role'),
    });
    await expectRefused(post.approve(users.township, households[1]!.transferId), 403, {
      type: problemType('auth/forbidden-role'),
    });
    await expectRefused(
      post.settle(users.township, households[1]!.transferId, {
        outcome: 'paid',
        bankReference: 'X-1',
      }),
      403,
      {
        type: problemType('auth/forbidden-role'),
      },
    );

    await expectRefused(post.disbursement(users.neighbour, newRequest), 403, {
      type: problemType('auth/forbidden-jurisdiction'),
    });
    await expectRefused(
      post.allocation(users.neighbour, {
        transferId: 'alloc-neighbour-1',
        fromDivisionCode: county,
        toDivisionCode: township,
        amount: '1.00',
      }),
      403,
      { type: problemType('auth/forbidden-jurisdiction') },
    );
    await expectRefused(
      post.reverse(users.neighbour, households[2]!.transferId, {
        transferId: 'rev-neighbour-1',
        reason: '越权',
      }),
      403,
      { type: problemType('auth/forbidden-jurisdiction') },
    );
    await expectRefused(() => as(users.neighbour).get(`/pools/${fundId}/${county}`), 403, {
      type: problemType('auth/forbidden-jurisdiction'),
    });
    await expectRefused(
      () => as(users.neighbour).get(`/streams/pool-${fundId}.${county}/events`),
      403,
      {
        type: problemType('auth/forbidden-jurisdiction'),
      },
    );
    // A county approver cannot approve in the neighbouring county's name either.
    await expectRefused(
      post.approve(person('appr-530302-01', 'approver', '530302'), households[1]!.transferId),
      403,
      {
        type: problemType('auth/forbidden-jurisdiction'),
      },
    );

    await expectRefused(
      () => request(server).post(`/api/v1/funds/${fundId}/disbursements`).send(newRequest),
      401,
      {
        type: problemType('auth/authentication-required'),
      },
    );
    await expectRefused(() => request(server).get(`/api/v1/pools/${fundId}/${township}`), 401);
  });

  it('refuses overdrafts, non-child allocations and steps out of order with 409/422, writing nothing', async () => {
    const balanceFen = ledger.pool(township).balance;
    const overdraft = await expectRefused(
      post.disbursement(users.township, { ...disbursementBody(household(62, balanceFen + 1n)) }),
      422,
      {
        type: problemType('funds/insufficient-funds'),
      },
    );
    expect(overdraft.body.detail).toContain(`balance ${balanceFen} fen`);
    await expectRefused(
      post.allocation(users.province, {
        transferId: 'alloc-53-5303-too-much',
        fromDivisionCode: '53',
        toDivisionCode: '5303',
        amount: yuan(ledger.pool('53').balance + 1n),
      }),
      422,
      { type: problemType('funds/insufficient-funds') },
    );
    await expectRefused(
      post.allocation(users.province, {
        transferId: 'alloc-53-530325-skip',
        fromDivisionCode: '53',
        toDivisionCode: county,
        amount: '1000.00',
      }),
      422,
      { type: problemType('funds/not-a-direct-child') },
    );
    await expectRefused(
      post.recover(users.county, recovered.transferId, {
        transferId: `rec2-${recovered.transferId}`,
        amount: yuan(recovered.amountFen - recoveredPartFen + 1n),
        reason: '超额追回',
      }),
      422,
      { type: problemType('funds/recovery-exceeds-outstanding') },
    );
    await expectRefused(
      post.reverse(users.bank, reversed.transferId, {
        transferId: `rev2-${reversed.transferId}`,
        reason: '再次冲正',
      }),
      409,
      {
        type: problemType('funds/invalid-transfer-state'),
      },
    );
    await expectRefused(
      post.reject(approvers[3]!, households[3]!.transferId, '已付款后驳回'),
      409,
      {
        type: problemType('funds/invalid-transfer-state'),
      },
    );
    await expectRefused(post.approve(approvers[0]!, 'disb-530325102-9999'), 404);
    await expectPools('53', '5303', county, township);
  });

  it('refuses malformed input with 400 naming the field, writing nothing', async () => {
    const body = disbursementBody(household(63, 10_000n));
    for (const amount of ['1.234', '-5', 'abc', 100, '0.00', '', '1e3', ' 5.00']) {
      await expectRefused(post.disbursement(users.township, { ...body, amount }), 400, {
        fields: ['amount'],
      });
      await expectRefused(
        post.allocation(users.county, {
          ...allocationBody(townshipAllocation),
          transferId: 'alloc-bad-amount',
          amount,
        }),
        400,
        {
          fields: ['amount'],
        },
      );
    }
    const badFund = {
      ...fundBody,
      fundId: 'yn-2026-bad',
      appropriation: { divisionCode: '53', amount: 100 },
    };
    await expectRefused(() => as(users.province).post('/funds', badFund), 400, {
      fields: ['appropriation.amount'],
    });
    await expectRefused(
      post.recover(users.county, recovered.transferId, {
        transferId: 'rec-bad-amount',
        amount: '0.001',
        reason: '追回',
      }),
      400,
      { fields: ['amount'] },
    );

    await expectRefused(post.disbursement(users.township, { ...body, colour: 'red' }), 400, {
      fields: ['colour'],
    });
    await expectRefused(
      post.disbursement(users.township, {
        ...body,
        beneficiary: { ...(body.beneficiary as object), nickname: '老三' },
      }),
      400,
      {
        fields: ['beneficiary.nickname'],
      },
    );
    await expectRefused(
      post.allocation(users.county, {
        ...allocationBody(townshipAllocation),
        transferId: 'alloc-extra',
        amountFen: '100',
      }),
      400,
      {
        fields: ['amountFen'],
      },
    );

    const goodIdNumber = (body.beneficiary as { idNumber: string }).idNumber;
    const badIdNumber = `${goodIdNumber.slice(0, 17)}${goodIdNumber.endsWith('0') ? '1' : '0'}`;
    const badId = await expectRefused(
      post.disbursement(users.township, {
        ...body,
        beneficiary: { ...(body.beneficiary as object), idNumber: badIdNumber },
      }),
      400,
      { fields: ['beneficiary.idNumber'] },
    );
    // Rejected values are personal data and must not travel back in the problem body.
    expect(JSON.stringify(badId.body)).not.toContain(badIdNumber);

    await expectRefused(
      post.disbursement(users.township, { ...body, divisionCode: '530399999' }),
      400,
      { fields: ['divisionCode'] },
    );
    await expectRefused(
      post.settle(users.bank, households[4]!.transferId, { outcome: 'paid' }),
      400,
      { fields: ['bankReference'] },
    );
    await expectRefused(post.reject(approvers[4]!, households[4]!.transferId, '   '), 400, {
      fields: ['reason'],
    });
  });

  it('pages the township pool stream, every event carrying the acting user in metadata.actor', async () => {
    const streamName = `pool-${fundId}.${township}`;
    const events: EventBody[] = [];
    let fromRevision = '0';
    for (let page = 1; ; page += 1) {
      expect(page).toBeLessThanOrEqual(10);
      const response = await as(users.commission)
        .get(`/streams/${streamName}/events?limit=50&fromRevision=${fromRevision}`)
        .expect(200);
      expect(response.body.streamName).toBe(streamName);
      events.push(...(response.body.events as EventBody[]));
      if (response.body.nextRevision === undefined) break;
      expect(response.body.events).toHaveLength(50);
      fromRevision = response.body.nextRevision as string;
      expect(fromRevision).toBe(String(events.length));
    }

    // One allocation received, 50 paid households (requested, approved, paid), the rejected
    // request (requested, rejected), 李四's (requested, approved, failed), a reversal, a recovery.
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE stream_name = $1',
      [streamName],
    );
    expect(events).toHaveLength(1 + 150 + 2 + 3 + 2);
    expect(events).toHaveLength(rows[0]!.n);
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => String(index)));
    for (let i = 1; i < events.length; i += 1)
      expect(BigInt(events[i]!.position)).toBeGreaterThan(BigInt(events[i - 1]!.position));

    const [received, ...rest] = events;
    expect(received).toMatchObject({
      type: 'AllocationReceived',
      data: { transferId: townshipAllocation.transferId, fromDivisionCode: county },
    });
    expect(received!.metadata.actor).toEqual(relayActor);
    expect(received!.metadata.causationId).toBe(
      answers.get(townshipAllocation.transferId)!.eventId,
    );
    for (const event of rest) {
      const answer = written.get(event.eventId);
      expect({ eventId: event.eventId, answered: answer !== undefined }).toEqual({
        eventId: event.eventId,
        answered: true,
      });
      expect(event).toEqual(answer!.event);
      expect(event.metadata.actor).toEqual(answer!.actor);
    }

    await expectRefused(
      () => as(users.commission).get(`/streams/${streamName}/events?limit=501`),
      400,
      { fields: ['limit'] },
    );
  });

  it('leaves a log whose hash chain verifies, by the library and by `sunlight verify`', async () => {
    const { head, count } = await logHead();
    // What the answers reported, plus the pool's FundsAppropriated and the relay's three AllocationReceived.
    expect(count).toBe(written.size + 1 + allocations.length);

    const verification = await verifyPostgresLog({ connectionString: databaseUrl });
    expect(verification).toMatchObject({ ok: true, eventsChecked: count });
    if (verification.ok) expect(BigInt(verification.headPosition ?? '0')).toBe(BigInt(head));

    const cli = await runNode([
      path.join(repoRoot, 'bin', 'sunlight.js'),
      'verify',
      '--database-url',
      databaseUrl,
    ]);
    expect({ exitCode: cli.exitCode, stderr: cli.exitCode === 0 ? '' : cli.stderr }).toEqual({
      exitCode: 0,
      stderr: '',
    });
    expect(cli.stdout).toMatch(
      new RegExp(
        `^verified ${count} events; head position 0*${head}; head hash [0-9a-f]{64}$`,
        'm',
      ),
    );
  }, 300_000);
});

beforeAll(() => {
  // `npm test` builds first; a bare `npx jest` may run before any build.
  if (existsSync(path.join(repoRoot, 'dist', 'src', 'cli.js'))) return;
  const build = spawnSync(
    process.execPath,
    [require.resolve('@nestjs/cli/bin/nest.js', { paths: [repoRoot] }), 'build'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`nest build failed:\n${build.stdout}\n${build.stderr}`);
}, 300_000);

function runNode(
  args: string[],
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
