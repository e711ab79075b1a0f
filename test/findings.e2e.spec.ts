/*
 * The findings workflow over real HTTP: a cross-check raises five vehicle-owner findings on a
 * township's roster; a county commission assigns them to a member, who disposes of them each way
 * (confirmed, dismissed with a reason, rectified, recovered naming the FundsRecovered transfer of
 * a paid line); repeats answer 200 with Idempotent-Replayed: true; steps out of order are 409s
 * with typed codes; a dismissal without a reason and a recovery the ledger does not hold are 400s
 * naming the field; another county's commission gets 403, and the county cannot reopen its own
 * disposal; a prefecture commission reopens a dismissal, which is assigned and disposed again;
 * GET /findings filters by status (and open / closed) and GET /findings/:id shows the history;
 * GET /rules/vehicle-owner/stats measures precision = confirmed (with rectified and recovered)
 * / disposed at each stage. The roster's view (GET /rosters/:id), the household card of a
 * flagged member and each flagged person's payment history (GET /history/person/:idNumber) show the
 * open findings with their rule and status at each stage, and a disposed one no more; another
 * county's commission sees none of them in a person's history. The dashboards (看板) of the county,
 * its township and the prefecture count the open findings by rule (and the prefecture's children
 * list the county's total), falling with each disposal and rising with the reopening, while the
 * neighbouring county's show none. Refused requests write nothing. All of it runs with the read
 * models in PostgreSQL and in MongoDB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import type request from 'supertest';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { READ_STORE, type ReadStore } from '@sunlight/read-store';
import { MongoReadStore } from '@sunlight/read-store/mongodb';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'findings-e2e-secret-'.padEnd(48, 'f');
const county = '530325';
const township = '530325102';
const village = '530325102202';
const fundId = 'yn-2019-wgai-findings';
const users = {
  clerk: { id: 'cz-530325102', role: 'finance', division: township },
  countyFinance: { id: 'cz-530325', role: 'finance', division: county },
  approver: { id: 'sp-530325', role: 'approver', division: county },
  paymentApprover: { id: 'sp-530325102', role: 'approver', division: township },
  bank: { id: 'bank-530325', role: 'bank', division: county },
  commission: { id: 'jw-530325', role: 'commission', division: county },
  member: { id: 'jw-530325-01', role: 'commission', division: county },
  townshipCommission: { id: 'jw-530325102', role: 'commission', division: township },
  prefecture: { id: 'jw-5303', role: 'commission', division: '5303' },
  neighbour: { id: 'jw-530322', role: 'commission', division: '530322' },
  villageStaff: { id: 'cun-530325102', role: 'village_staff', division: township },
} satisfies Record<string, Actor>;
const householdId = `hh-${village}-1`;
const member = { id: users.member.id, division: county };
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const people = [
  ['张三', '001'],
  ['李四', '003'],
  ['王五', '005'],
  ['赵六', '007'],
  ['钱七', '009'],
] as const;

interface Workflow {
  findingId: string;
  status: string;
  assignee: { id: string; role: string; division: string } | null;
  disposition: string | null;
  history: { step: string; actor: { id: string }; disposition?: string; reason?: string }[];
}

// The findings read model, with its per-division counts, on both read-store adapters.
const readStoreKinds = [{ readStore: 'postgres' as const }, { readStore: 'mongodb' as const }];

describe.each(readStoreKinds)(
  'the findings workflow over HTTP (READ_STORE=$readStore)',
  ({ readStore }) => {
    let app: TestApp;
    let mongoUrl: string | undefined;
    let databaseUrl: string;
    let dataDir: string;
    let db: Client;
    let as: (actor: Actor) => ActorClient;
    let rosterId: string;
    /** Finding ids by the roster row they flag (rows 2–6). */
    const findingOf = new Map<number, string>();
    const finding = (row: number) => findingOf.get(row) as string;

    const completed = async <T>(jobId: string, actor: Actor): Promise<T> => {
      const job = await eventually(async () => {
        const response = await as(actor).get(`/jobs/${jobId}`).expect(200);
        expect(response.body.state).toBe('completed');
        return response.body as { result: T };
      }, 60_000);
      return job.result;
    };

    const head = async () =>
      (
        await db.query<{ head: string }>(
          'SELECT coalesce(max(position), 0)::text AS head FROM events',
        )
      ).rows[0]?.head;

    /** A refusal with its status, problem type and fields, which wrote nothing. */
    const refused = async (
      send: () => request.Test,
      status: number,
      expected: { type?: string; fields?: string[] } = {},
    ) => {
      const before = await head();
      const response = await send();
      expectProblem(response, status, expected.fields);
      if (expected.type !== undefined)
        expect(response.body.type).toBe(`https://sunlight.example/problems/${expected.type}`);
      expect(await head()).toBe(before);
    };

    const step = async (
      actor: Actor,
      row: number,
      action: 'assign' | 'dispose' | 'reopen',
      body: object,
      replayed = false,
    ): Promise<Workflow> => {
      const response = await as(actor)
        .post(`/findings/${finding(row)}/${action}`, body)
        .expect(replayed ? 200 : 201);
      expect(response.headers['idempotent-replayed']).toBe(String(replayed));
      return response.body as Workflow;
    };

    const listed = (query: string, total: number) =>
      eventually(async () => {
        const response = await as(users.commission).get(`/findings?${query}`).expect(200);
        expect(response.body.total).toBe(total);
        return response.body.items as (Workflow & { row: number })[];
      });

    /** The rule's stats once the read model shows these counts; the rest follows from them. */
    const statsShow = (
      counts: { raised?: number; assigned?: number; reopened?: number } & Partial<
        Record<'confirmed' | 'dismissed' | 'rectified' | 'recovered', number>
      >,
      precision: number | null,
      division = county,
      actor: Actor = users.commission,
    ) => {
      const dispositions = {
        confirmed: counts.confirmed ?? 0,
        dismissed: counts.dismissed ?? 0,
        rectified: counts.rectified ?? 0,
        recovered: counts.recovered ?? 0,
      };
      const disposed = Object.values(dispositions).reduce((sum, n) => sum + n, 0);
      const byStatus = {
        raised: counts.raised ?? 0,
        assigned: counts.assigned ?? 0,
        disposed,
        reopened: counts.reopened ?? 0,
      };
      const open = byStatus.raised + byStatus.assigned + byStatus.reopened;
      return eventually(async () => {
        const response = await as(actor)
          .get(`/rules/vehicle-owner/stats?division=${division}`)
          .expect(200);
        expect(response.body).toEqual({
          ruleId: 'vehicle-owner',
          divisionCode: division,
          hits: open + disposed,
          open,
          byStatus,
          disposed,
          dispositions,
          confirmed: dispositions.confirmed + dispositions.rectified + dispositions.recovered,
          precision,
        });
      });
    };

    /**
     * The open findings the roster's view, the household card and each person's history show, once
     * the read model has them; another county's commission sees none in a person's history.
     */
    const openFindingsShown = (rows: Record<number, string>) =>
      eventually(async () => {
        const roster = await as(users.approver).get(`/rosters/${rosterId}`).expect(200);
        expect(
          roster.body.openFindings.items.map((item: { row: number; status: string }) => [
            item.row,
            item.status,
          ]),
        ).toEqual(Object.entries(rows).map(([row, status]) => [Number(row), status]));
        expect(roster.body.openFindings.total).toBe(Object.keys(rows).length);
        const card = await as(users.villageStaff)
          .get(`/households/${householdId}/card`)
          .expect(200);
        const liSi = rows[3] === undefined ? [] : [{ findingId: finding(3), status: rows[3] }];
        expect(card.body.openFindings).toEqual({
          items: liSi.map((item) => ({
            ...item,
            ruleId: 'vehicle-owner',
            subjectName: '李四',
            rosterId,
            row: 3,
            raisedAt: expect.any(String),
          })),
          total: liSi.length,
        });
        for (const [index, [name, sequence]] of people.entries()) {
          const row = index + 2;
          const history = await as(users.commission)
            .get(`/history/person/${id(sequence)}`)
            .expect(200);
          expect(history.body.idNumber).toBe(id(sequence));
          const shown =
            rows[row] === undefined ? [] : [{ findingId: finding(row), status: rows[row] }];
          expect(history.body.openFindings).toEqual({
            items: shown.map((item) => ({
              ...item,
              ruleId: 'vehicle-owner',
              subjectName: name,
              rosterId,
              row,
              raisedAt: expect.any(String),
            })),
            total: shown.length,
          });
          const outsider = await as(users.neighbour)
            .get(`/history/person/${id(sequence)}`)
            .expect(200);
          expect(outsider.body).toEqual({
            idNumber: id(sequence),
            payments: [],
            openFindings: { items: [], total: 0 },
          });
        }
      });

    /**
     * The open findings the dashboards show once the findings read model has them: `open` of the
     * rule in the county, its township and the prefecture (and in the prefecture's listing of its
     * counties), none in the neighbouring county.
     */
    const dashboardsShow = (open: number) =>
      eventually(async () => {
        const expected = {
          total: open,
          byRule: open === 0 ? [] : [{ ruleId: 'vehicle-owner', open }],
          readModelPosition: expect.stringMatching(/^[0-9]+$/),
        };
        for (const [actor, division] of [
          [users.commission, county],
          [users.commission, township],
          [users.prefecture, '5303'],
        ] as const) {
          const dashboard = await as(actor).get(`/dashboards/${division}`).expect(200);
          expect(dashboard.body.openFindings).toEqual(expected);
        }
        const neighbour = await as(users.neighbour).get('/dashboards/530322').expect(200);
        expect(neighbour.body.openFindings).toMatchObject({ total: 0, byRule: [] });
        const counties = await as(users.prefecture)
          .get('/dashboards/5303/children?limit=500')
          .expect(200);
        const totals = Object.fromEntries(
          counties.body.items.map(
            (item: { divisionCode: string; openFindings: { total: number } }) => [
              item.divisionCode,
              item.openFindings.total,
            ],
          ),
        );
        // The listing holds the counties with funds figures: here the county alone has any.
        expect(totals).toEqual({ [county]: open });
        expect(counties.body.openFindingsReadModelPosition).toMatch(/^[0-9]+$/);
      });

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(
        requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
        `findings_e2e_${readStore}`,
      );
      if (readStore === 'mongodb') {
        const url = new URL(requireEnv('SUNLIGHT_TEST_MONGODB_URL'));
        url.pathname = `/${databaseUrl.slice(databaseUrl.lastIndexOf('/') + 1)}`;
        mongoUrl = url.toString();
      }
      dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-findings-e2e-'));
      app = await startTestApp({
        DATABASE_URL: databaseUrl,
        SUNLIGHT_DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        READ_STORE: readStore,
        ...(mongoUrl === undefined ? {} : { MONGODB_URL: mongoUrl }),
      });
      expect(app.app.get<ReadStore>(READ_STORE) instanceof MongoReadStore).toBe(
        readStore === 'mongodb',
      );
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
                ...people.map(([name, sequence], i) => [
                  name,
                  id(sequence),
                  village,
                  `62284800123456${70 + i}`,
                  '20000',
                  '2019-03-01',
                ]),
              ]),
              fileName: '危改花名册.csv',
            },
          },
        )
        .expect(202);
      rosterId = roster.body.rosterId;
      await completed(roster.body.jobId, users.clerk);
      const registry = await as(users.commission)
        .postForm(
          '/registries/vehicles/snapshots',
          { divisionCode: county, asOf: '2019-01-31' },
          {
            file: {
              bytes: utf8Csv([
                ['车主身份证号', '姓名', '号牌', '车辆类型', '登记日期'],
                ...people.map(([name, sequence], i) => [
                  id(sequence),
                  name,
                  `云D1000${i}`,
                  '小型轿车',
                  '2018-11-02',
                ]),
              ]),
              fileName: 'vehicles.csv',
            },
          },
        )
        .expect(202);
      await completed(registry.body.jobId, users.commission);
      const check = await as(users.commission)
        .post('/cross-checks', { division: county, rules: ['vehicle-owner'], rosterId })
        .expect(202);
      const result = await completed<{ raised: number }>(check.body.jobId, users.commission);
      expect(result.raised).toBe(5);
      for (const item of await listed(`division=${county}&rule=vehicle-owner`, 5))
        findingOf.set(item.row, item.findingId);

      // 李四 (row 3) heads a registered household: its card shows his findings.
      await as(users.villageStaff)
        .post('/households', {
          householdId,
          villageCode: village,
          headName: '李四',
          address: '营上镇营上村3号',
          identificationStandard: '国家',
          attribute: '一般贫困户',
          mainCause: '因病',
          otherCauses: [],
          bankName: '富源县农村信用合作联社',
          bankAccount: '6228480012345671',
          phone: '13800000000',
          identifiedYear: 2016,
        })
        .expect(201);
      await as(users.villageStaff)
        .post(`/households/${householdId}/members`, {
          idNumber: id('003'),
          name: '李四',
          relation: '户主',
          sex: '男',
          birthDate: '1980-01-01',
          health: '健康',
          schooling: '初中',
          labour: '普通劳动力',
        })
        .expect(201);

      // Pay row 5 (赵六) and recover it (追回): the recovery a disposition will name.
      const approval = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
      await completed(approval.body.jobId, users.approver);
      await as(users.paymentApprover).post(`/disbursements/${rosterId}-5/approve`).expect(201);
      await as(users.bank)
        .post(`/disbursements/${rosterId}-5/settle`, {
          outcome: 'paid',
          bankReference: 'ICBC-20190401-0005',
        })
        .expect(201);
      await as(users.commission)
        .post(`/transfers/${rosterId}-5/recover`, {
          transferId: `rec-${rosterId}-5`,
          amount: '20000.00',
          reason: '名下有小型轿车，不符合危房改造补助条件，追回补助',
        })
        .expect(201);
    });

    afterAll(async () => {
      await db?.end();
      await app?.close();
      await dropTestDatabase(databaseUrl);
      await rm(dataDir, { recursive: true, force: true });
      if (mongoUrl) {
        const client = new MongoClient(mongoUrl);
        try {
          await client.connect();
          await client.db().dropDatabase();
        } catch {
          // The MongoDB-wire test server is in-memory and dies with the run anyway.
        } finally {
          await client.close();
        }
      }
    });

    it('measures nothing before anything is disposed', async () => {
      await statsShow({ raised: 5 }, null);
      await listed('status=raised', 5);
      await listed('status=open', 5);
      await listed('status=closed', 0);
      await openFindingsShown({ 2: 'raised', 3: 'raised', 4: 'raised', 5: 'raised', 6: 'raised' });
      await dashboardsShow(5);
    });

    it('assigns, then disposes each way; repeats are answered, steps out of order refused', async () => {
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(2)}/dispose`, { disposition: 'confirmed' }),
        409,
        { type: 'oversight/finding-not-assigned' },
      );
      const assigned = await step(users.commission, 2, 'assign', {
        assignee: member,
        note: '请十日内入户核实',
      });
      expect(assigned).toMatchObject({
        findingId: finding(2),
        status: 'assigned',
        assignee: { ...member, role: 'commission' },
        disposition: null,
        history: [
          { step: 'raised', actor: { id: users.commission.id } },
          { step: 'assigned', actor: { id: users.commission.id }, note: '请十日内入户核实' },
        ],
      });
      await step(users.commission, 2, 'assign', { assignee: member }, true);
      for (const row of [3, 4, 5, 6])
        await step(users.commission, row, 'assign', { assignee: member });
      await listed('status=assigned', 5);
      // Assigned findings are still open.
      await dashboardsShow(5);

      await refused(
        () =>
          as(users.member).post(`/findings/${finding(3)}/dispose`, { disposition: 'dismissed' }),
        400,
        { fields: ['reason'] },
      );
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(5)}/dispose`, { disposition: 'recovered' }),
        400,
        { fields: ['transferId'] },
      );
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(5)}/dispose`, {
            disposition: 'recovered',
            transferId: `${rosterId}-5`,
          }),
        400,
        { type: 'oversight/unknown-recovery', fields: ['transferId'] },
      );
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(2)}/dispose`, {
            disposition: 'confirmed',
            transferId: `rec-${rosterId}-5`,
          }),
        400,
        { fields: ['transferId'] },
      );
      // A township commission is below the county member the finding is assigned to.
      await refused(
        () =>
          as(users.townshipCommission).post(`/findings/${finding(2)}/dispose`, {
            disposition: 'confirmed',
          }),
        403,
        { type: 'oversight/not-assignees-level' },
      );

      const dismissal = { disposition: 'dismissed', reason: '经入户核实，车辆已于申请前转让' };
      expect(
        await step(users.member, 2, 'dispose', {
          disposition: 'confirmed',
          reason: '入户核实属实',
        }),
      ).toMatchObject({ status: 'disposed', disposition: 'confirmed' });
      await dashboardsShow(4);
      await step(users.member, 3, 'dispose', dismissal);
      await step(users.member, 4, 'dispose', {
        disposition: 'rectified',
        reason: '已从花名册剔除',
      });
      const recovered = await step(users.member, 5, 'dispose', {
        disposition: 'recovered',
        transferId: `rec-${rosterId}-5`,
      });
      await step(users.member, 6, 'dispose', {
        disposition: 'dismissed',
        reason: '同名车辆登记有误，公安已更正',
      });
      expect(recovered.history.at(-1)).toMatchObject({
        step: 'disposed',
        actor: { id: users.member.id },
        disposition: 'recovered',
        recovery: {
          transferId: `rec-${rosterId}-5`,
          originalTransferId: `${rosterId}-5`,
          amountFen: '2000000',
          streamName: `pool-${fundId}.${township}`,
        },
      });

      await step(users.member, 3, 'dispose', dismissal, true);
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(3)}/dispose`, { disposition: 'confirmed' }),
        409,
        { type: 'oversight/finding-already-disposed' },
      );
      await refused(
        () => as(users.commission).post(`/findings/${finding(3)}/assign`, { assignee: member }),
        409,
        { type: 'oversight/finding-already-disposed' },
      );

      const closed = await listed('status=closed', 5);
      expect(Object.fromEntries(closed.map((item) => [item.row, item.disposition]))).toEqual({
        2: 'confirmed',
        3: 'dismissed',
        4: 'rectified',
        5: 'recovered',
        6: 'dismissed',
      });
      await listed('status=open', 0);
      await listed(`status=disposed&division=${village}`, 5);
      await openFindingsShown({});
      await dashboardsShow(0);
      await statsShow({ confirmed: 1, dismissed: 2, rectified: 1, recovered: 1 }, 0.6);
    });

    it('refuses another county’s commission (403) and the disposer’s own level reopening', async () => {
      const neighbourly = [
        () => as(users.neighbour).post(`/findings/${finding(2)}/assign`, { assignee: member }),
        () =>
          as(users.neighbour).post(`/findings/${finding(6)}/dispose`, { disposition: 'confirmed' }),
        () => as(users.neighbour).post(`/findings/${finding(3)}/reopen`, { reason: '复查' }),
        () => as(users.neighbour).get(`/rules/vehicle-owner/stats?division=${county}`),
      ];
      for (const send of neighbourly)
        await refused(send, 403, { type: 'auth/forbidden-jurisdiction' });
      await refused(
        () => as(users.commission).post(`/findings/${finding(3)}/reopen`, { reason: '本级复查' }),
        403,
        { type: 'oversight/not-higher-level' },
      );
      // The neighbour's own county holds no finding of the rule.
      await statsShow({}, null, '530322', users.neighbour);
    });

    it('lets the prefecture reopen a dismissal, which is assigned and disposed again', async () => {
      await refused(() => as(users.prefecture).post(`/findings/${finding(3)}/reopen`, {}), 400, {
        fields: ['reason'],
      });
      const reason = '复查发现车辆登记在申请日之前，处置理由不成立';
      expect(await step(users.prefecture, 3, 'reopen', { reason })).toMatchObject({
        status: 'reopened',
        assignee: null,
        disposition: null,
      });
      await step(users.prefecture, 3, 'reopen', { reason }, true);
      await refused(
        () =>
          as(users.member).post(`/findings/${finding(3)}/dispose`, { disposition: 'confirmed' }),
        409,
        { type: 'oversight/finding-not-assigned' },
      );
      await listed('status=reopened', 1);
      await openFindingsShown({ 3: 'reopened' });
      await dashboardsShow(1);
      await statsShow(
        { reopened: 1, confirmed: 1, dismissed: 1, rectified: 1, recovered: 1 },
        0.75,
        township,
      );

      await step(users.prefecture, 3, 'assign', { assignee: member });
      await step(users.member, 3, 'dispose', { disposition: 'confirmed', reason: '重新核查属实' });
      await openFindingsShown({});
      await dashboardsShow(0);
      const view = await as(users.commission)
        .get(`/findings/${finding(3)}`)
        .expect(200);
      expect(view.body).toMatchObject({
        findingId: finding(3),
        ruleId: 'vehicle-owner',
        status: 'disposed',
        disposition: 'confirmed',
        assignee: { ...member, role: 'commission' },
        subject: { name: '李四', idNumber: id('003') },
      });
      expect(
        view.body.history.map((s: Workflow['history'][number]) => [
          s.step,
          s.actor.id,
          s.disposition,
        ]),
      ).toEqual([
        ['raised', users.commission.id, undefined],
        ['assigned', users.commission.id, undefined],
        ['disposed', users.member.id, 'dismissed'],
        ['reopened', users.prefecture.id, 'dismissed'],
        ['assigned', users.prefecture.id, undefined],
        ['disposed', users.member.id, 'confirmed'],
      ]);
      expect(view.body.history[3]).toMatchObject({ reason });

      await statsShow({ confirmed: 2, dismissed: 1, rectified: 1, recovered: 1 }, 0.8);
      const events = await db.query<{ type: string; n: number }>(
        `SELECT type, count(*)::int AS n FROM events WHERE stream_name = $1 GROUP BY type ORDER BY type`,
        [`finding-${finding(3)}`],
      );
      expect(events.rows).toEqual([
        { type: 'FindingAssigned', n: 2 },
        { type: 'FindingDisposed', n: 2 },
        { type: 'FindingRaised', n: 1 },
        { type: 'FindingReopened', n: 1 },
      ]);
    });

    it('answers bad stats queries with 400 and an unknown rule with 404', async () => {
      expectProblem(await as(users.commission).get('/rules/vehicle-owner/stats?version=0'), 400, [
        'version',
      ]);
      expectProblem(
        await as(users.commission).get('/rules/vehicle-owner/stats?division=539999'),
        400,
        ['division'],
      );
      expectProblem(await as(users.commission).get('/rules/no-such-rule/stats'), 404);
      expectProblem(
        await as(users.clerk).get(`/rules/vehicle-owner/stats?division=${township}`),
        403,
      );
      const versioned = await as(users.commission)
        .get('/rules/vehicle-owner/stats?version=2')
        .expect(200);
      expect(versioned.body).toMatchObject({ ruleVersion: 2, hits: 0, precision: null });
    });
  },
);
