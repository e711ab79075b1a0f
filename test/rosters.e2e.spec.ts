/*
 * Rosters (花名册) over real HTTP on both job backends: upload → parse job → entries, with the
 * exact per-row errors of a mixed file, the file kept byte for byte, and every kind of bad input
 * answered 400/409/413 with nothing written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import { makeIdNumber } from '@sunlight/geo';
import { testRedisUrl, uniqueJobsPrefix } from '@sunlight/jobs/testing';
import type { Actor } from '@sunlight/kernel';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { blobStored } from './support/blobs';
import { gb18030Csv, utf8Csv, xlsxFile, zipBomb } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'rosters-e2e-secret-'.padEnd(48, 'r');
const fundId = 'yn-2026-roster-e2e';
const township = '530325102'; // 营上镇
const villageInside = '530325102202'; // 营上村民委员会
const villageOtherCounty = '530324001001';
const users = {
  clerk: { id: 'u-clerk', role: 'finance', division: township },
  countyFinance: { id: 'u-county-finance', role: 'finance', division: '530325' },
  approver: { id: 'u-approver', role: 'approver', division: '530325' },
  outsider: { id: 'u-outsider', role: 'commission', division: '530324' },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const chineseHeader = ['姓名', '身份证号', '村组', '银行账号', '金额', '备注'];
const englishHeader = ['name', 'id_number', 'village_group', 'bank_account', 'amount'];

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('rosters') }),
        },
      ]),
];

describe.each(backends)('rosters over HTTP ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: Actor) => ActorClient;

  const upload = (
    actor: Actor,
    file: Buffer,
    fileName: string,
    fields: Record<string, string> = {},
    query = '',
  ) => {
    let call = request(app.server)
      .post(`/api/v1/rosters${query}`)
      .set('Authorization', `Bearer ${signAccessToken(jwtSecret, { actor })}`);
    const form = {
      fundId,
      divisionCode: township,
      purpose: '产业发展补助',
      period: '2026年第一批',
      ...fields,
    };
    for (const [name, value] of Object.entries(form)) call = call.field(name, value);
    return call.attach('file', file, fileName);
  };

  const parsed = async (rosterId: string, jobId: string) => {
    const job = await eventually(async () => {
      const response = await as(users.clerk).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as { progress: { percent: number; done: number; total: number } };
    }, 60_000);
    expect(job.progress.percent).toBe(100);
    const summary = await as(users.clerk).get(`/rosters/${rosterId}`).expect(200);
    expect(summary.body.status).toBe('parsed');
    return summary.body as Record<string, unknown>;
  };

  const rosterEventCount = async (): Promise<number> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        "SELECT count(*) FROM events WHERE stream_name LIKE 'roster-%'",
      );
      return Number(rows[0]?.count);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'rosters_e2e');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-rosters-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      UPLOAD_BYTES_MAX: String(2 * 1024 * 1024),
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    await as(users.countyFinance)
      .post('/funds', {
        fundId,
        name: '富源县产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '500000.00' },
      })
      .expect(201);
  });
  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records a mixed file line by line with the exact error of each bad line', async () => {
    // 103 has the check character X: typed here full-width, with a space, as phones write it.
    const withX = id('103');
    const fullWidthX = `${withX.slice(0, 6)} ${withX.slice(6, 17)}Ｘ`;
    const valid = id('003');
    const badCheckDigit = `${valid.slice(0, 17)}${valid.endsWith('1') ? '2' : '1'}`;
    const rows = [
      chineseHeader,
      ['张三', id('001'), villageInside, '6228 4800 1234 5678', '3600', ''],
      // A valid number typed with a full-width Ｘ (or with digits only: then as is).
      [
        '李四',
        fullWidthX.endsWith('Ｘ') ? fullWidthX : id('002'),
        `${villageInside}-3`,
        '6228480012345679',
        '3,600.50',
        '=HYPERLINK("http://x")',
      ],
      ['王五', badCheckDigit, villageInside, '6228480012345680', '1200', ''],
      ['赵六', id('004'), villageInside, '6228480012345681', '-500', ''],
      ['钱七', id('005'), villageOtherCounty, '6228480012345682', '800', ''],
      ['孙八', id('001'), villageInside, '6228480012345683', '900', ''],
    ];
    const file = utf8Csv(rows, true);
    const response = await upload(users.clerk, file, '营上镇花名册.csv', {
      perPersonCap: '5000',
    }).expect(202);
    expect(response.body).toMatchObject({ format: 'csv', bytes: file.length });
    expect(await blobStored(dataDir, file)).toBe(true);
    const summary = await parsed(response.body.rosterId, response.body.jobId);
    expect(summary).toMatchObject({ accepted: 2, rejected: 4, total: '7200.50', rowsRecorded: 6 });

    const entries = await as(users.clerk)
      .get(`/rosters/${response.body.rosterId}/entries`)
      .expect(200);
    const byRow = new Map(
      (entries.body.entries as { row: number }[]).map((entry) => [entry.row, entry]),
    );
    expect(byRow.get(2)).toMatchObject({
      status: 'accepted',
      idNumber: id('001'),
      bankAccount: '6228480012345678',
      amount: '3600.00',
    });
    expect(byRow.get(3)).toMatchObject({
      status: 'accepted',
      idNumber: withX,
      amount: '3600.50',
      note: '=HYPERLINK("http://x")',
    });
    expect(byRow.get(4)).toMatchObject({
      status: 'rejected',
      field: 'id_number',
      reason: expect.stringMatching(/^check character should be /),
    });
    expect(byRow.get(5)).toMatchObject({
      status: 'rejected',
      field: 'amount',
      reason: 'must be a positive amount of yuan',
    });
    expect(byRow.get(6)).toMatchObject({
      status: 'rejected',
      field: 'village_group',
      reason: `${villageOtherCounty} is outside the roster's division ${township}`,
    });
    expect(byRow.get(7)).toMatchObject({
      status: 'rejected',
      field: 'id_number',
      reason: 'is the same person as row 2',
    });
    // The rejected line is kept as written: evidence.
    expect(byRow.get(4)).toMatchObject({
      values: { id_number: badCheckDigit, name: '王五' },
    });

    const rejected = await as(users.clerk)
      .get(`/rosters/${response.body.rosterId}/entries?status=rejected`)
      .expect(200);
    expect((rejected.body.entries as { row: number }[]).map((entry) => entry.row)).toEqual([
      4, 5, 6, 7,
    ]);

    // Read raw (the bytes, not parsed as text): the OpenAPI checker of as() validates JSON bodies.
    const original = await request(app.server)
      .get(`/api/v1/rosters/${response.body.rosterId}/file`)
      .set('Authorization', `Bearer ${signAccessToken(jwtSecret, { actor: users.clerk })}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(original.body as Buffer, file)).toBe(0);
    expect(original.headers.etag).toBe(`"${response.body.fileSha256}"`);
    expect(original.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('reads GB18030 CSV and XLSX with English headers; formulas are text, never run', async () => {
    const gb = gb18030Csv([
      englishHeader,
      ['欧阳娜娜', id('011'), villageInside, '6228480099990001', '¥2,000.00'],
    ]);
    const fromGb = await upload(users.clerk, gb, 'gbk.csv').expect(202);
    expect(await parsed(fromGb.body.rosterId, fromGb.body.jobId)).toMatchObject({
      accepted: 1,
      file: { encoding: 'gb18030' },
    });
    const entries = await as(users.clerk)
      .get(`/rosters/${fromGb.body.rosterId}/entries`)
      .expect(200);
    expect(entries.body.entries[0]).toMatchObject({ name: '欧阳娜娜', amount: '2000.00' });

    const xlsx = await xlsxFile([
      [...englishHeader, 'note'],
      ['张三', id('021'), villageInside, '6228480099990002', 1500, '第一行'],
      [
        { formula: 'HYPERLINK("http://evil","点我")' },
        id('022'),
        villageInside,
        '6228480099990003',
        '800',
        '',
      ],
    ]);
    const fromXlsx = await upload(users.clerk, xlsx, '花名册.xlsx').expect(202);
    expect(await parsed(fromXlsx.body.rosterId, fromXlsx.body.jobId)).toMatchObject({
      accepted: 1,
      rejected: 1,
      total: '1500.00',
    });
    const lines = await as(users.clerk)
      .get(`/rosters/${fromXlsx.body.rosterId}/entries`)
      .expect(200);
    expect(lines.body.entries[1]).toMatchObject({
      row: 3,
      status: 'rejected',
      field: 'name',
      values: { name: '=HYPERLINK("http://evil","点我")' },
    });
  });

  it('refuses bad files and forms with a clear answer and writes nothing', async () => {
    const before = await rosterEventCount();
    const good = [chineseHeader, ['张三', id('031'), villageInside, '6228480012345678', '100', '']];
    const cases: {
      file: Buffer;
      name: string;
      fields?: Record<string, string>;
      status: number;
      detail: RegExp;
    }[] = [
      {
        file: Buffer.from('%PDF-1.7\n\u0000\u0001binary'),
        name: 'a.pdf',
        status: 400,
        detail: /neither CSV text nor an XLSX/,
      },
      { file: Buffer.alloc(0), name: 'empty.csv', status: 400, detail: /is empty/ },
      {
        file: utf8Csv([
          ['foo', 'bar'],
          ['1', '2'],
        ]),
        name: 'x.csv',
        status: 400,
        detail: /lacks the required columns.*姓名 \/ name, 身份证号 \/ id_number/,
      },
      {
        file: utf8Csv([['姓名', '身份证号', '村组', '银行账号', '金额', 'Amount']]),
        name: 'dup.csv',
        status: 400,
        detail: /has the column Amount twice/,
      },
      { file: zipBomb(60 * 1024 * 1024), name: 'bomb.xlsx', status: 400, detail: /ZIP bomb/ },
      {
        file: Buffer.alloc(3 * 1024 * 1024, 0x41),
        name: 'big.csv',
        status: 413,
        detail: /larger than the limit/,
      },
      {
        file: utf8Csv(good),
        name: 'ok.csv',
        fields: { fundId: 'no-such-fund' },
        status: 400,
        detail: /fundId names no fund line/,
      },
      {
        file: utf8Csv(good),
        name: 'ok.csv',
        fields: { perPersonCap: '-1' },
        status: 400,
        detail: /perPersonCap/,
      },
      {
        file: utf8Csv(good),
        name: 'ok.csv',
        fields: { surprise: '1' },
        status: 400,
        detail: /surprise is not a field/,
      },
    ];
    for (const bad of cases) {
      const response = await upload(users.clerk, bad.file, bad.name, bad.fields);
      expectProblem(response, bad.status);
      expect(`${bad.name}: ${response.body.detail}`).toMatch(bad.detail);
    }
    // A refused request leaves no file behind: not for another county, not for a bad form.
    const outsideFile = utf8Csv([
      chineseHeader,
      ['李四', id('041'), villageInside, '6228', '1', ''],
    ]);
    const outside = await upload(users.clerk, outsideFile, 'ok.csv', {
      divisionCode: '530324001',
    });
    expectProblem(outside, 403);
    const badFormFile = utf8Csv([
      chineseHeader,
      ['王五', id('042'), villageInside, '6228', '1', ''],
    ]);
    expectProblem(await upload(users.clerk, badFormFile, 'ok.csv', { surprise: '1' }), 400);
    for (const file of [outsideFile, badFormFile]) {
      expect(await blobStored(dataDir, file)).toBe(false);
    }
    expect(await rosterEventCount()).toBe(before);
  });

  it('rejects a line of 10,000 columns and keeps the others', async () => {
    const wide = [...Array.from({ length: 10_000 }, (_, index) => `c${index}`)];
    const file = utf8Csv([
      englishHeader,
      wide,
      ['张三', id('041'), villageInside, '6228480012345678', '100'],
    ]);
    const response = await upload(users.clerk, file, 'wide.csv').expect(202);
    expect(await parsed(response.body.rosterId, response.body.jobId)).toMatchObject({
      accepted: 1,
      rejected: 1,
    });
    const entries = await as(users.clerk)
      .get(`/rosters/${response.body.rosterId}/entries?status=rejected`)
      .expect(200);
    expect(entries.body.entries[0]).toMatchObject({
      row: 2,
      field: 'row',
      reason: 'has 10000 columns; a roster has at most 64',
    });
  });

  it('reports the same file uploaded twice, unless repeated knowingly with a reason', async () => {
    const file = utf8Csv([
      englishHeader,
      ['张三', id('051'), villageInside, '6228480012345678', '100'],
    ]);
    const first = await upload(users.clerk, file, 'a.csv').expect(202);
    const again = await upload(users.clerk, file, 'renamed.csv');
    expectProblem(again, 409);
    expect(again.body.detail).toContain(first.body.rosterId);
    expectProblem(await upload(users.clerk, file, 'a.csv', {}, '?allowDuplicate=true'), 400, [
      'reason',
    ]);
    const knowingly = await upload(
      users.clerk,
      file,
      'a.csv',
      { reason: '第一份被退回后重报' },
      '?allowDuplicate=true',
    ).expect(202);
    const summary = await parsed(knowingly.body.rosterId, knowingly.body.jobId);
    expect(summary).toMatchObject({
      duplicateOf: first.body.rosterId,
      duplicateReason: '第一份被退回后重报',
    });
  });

  it('keeps rosters in their jurisdiction and decisions with a second person', async () => {
    const file = utf8Csv([
      englishHeader,
      ['张三', id('061'), villageInside, '6228480012345678', '100'],
    ]);
    const uploaded = await upload(users.clerk, file, 'j.csv').expect(202);
    await parsed(uploaded.body.rosterId, uploaded.body.jobId);
    expectProblem(await as(users.outsider).get(`/rosters/${uploaded.body.rosterId}`), 403);
    await as(users.approver).get(`/rosters/${uploaded.body.rosterId}`).expect(200);
    const self = await as({ ...users.clerk, role: 'approver' }).post(
      `/rosters/${uploaded.body.rosterId}/reject`,
      { reason: '自审' },
    );
    expectProblem(self, 403);
    const rejected = await as(users.approver)
      .post(`/rosters/${uploaded.body.rosterId}/reject`, { reason: '名单未公示' })
      .expect(201);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejectionReason: '名单未公示',
      rejectedBy: { id: users.approver.id },
    });
    expectProblem(await as(users.clerk).get('/rosters/ro-530325102-000000000000'), 404);
  });
});
