/*
 * Other departments' registries over real HTTP on both job backends: a commission imports a dated
 * copy (CSV or XLSX, Chinese or English headers), the job keeps every valid line for matching with
 * its snapshot and row and records what it refused, line by line; the same file again is a 409,
 * a file with the wrong columns a 400 listing the expected ones, another role or another county a
 * 403 — none of them writing anything.
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
import { actorClients, documented, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { blobStored } from './support/blobs';
import { utf8Csv, xlsxFile } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'registries-e2e-secret-'.padEnd(48, 'g');
const county = '530325';
const users = {
  commission: { id: 'jw-530325', role: 'commission', division: county },
  finance: { id: 'cz-530325', role: 'finance', division: county },
  neighbour: { id: 'jw-530322', role: 'commission', division: '530322' },
} satisfies Record<string, Actor>;
const id = (sequence: string) => makeIdNumber('530325', '19800101', sequence);
const fullWidth = (text: string) =>
  text.replace(/[0-9X]/g, (c) =>
    String.fromCharCode((c === 'X' ? 0xff38 : 0xff10 + Number(c)) as number),
  );

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('registries') }),
        },
      ]),
];

describe.each(backends)('registry snapshots over HTTP ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let db: Client;
  let as: (actor: Actor) => ActorClient;

  const upload = (
    actor: Actor,
    kind: string,
    file: Buffer,
    fileName: string,
    fields: Record<string, string> = { divisionCode: county, asOf: '2019-01-31' },
  ) => {
    let call = request(app.server)
      .post(`/api/v1/registries/${kind}/snapshots`)
      .set('Authorization', `Bearer ${signAccessToken(jwtSecret, { actor })}`);
    for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
    return documented(app.server, call.attach('file', file, fileName));
  };

  const imported = async (kind: string, snapshotId: string, jobId: string) => {
    await eventually(async () => {
      const job = await as(users.commission).get(`/jobs/${jobId}`).expect(200);
      expect(job.body.state).toBe('completed');
    }, 60_000);
    const summary = await as(users.commission)
      .get(`/registries/${kind}/snapshots/${snapshotId}`)
      .expect(200);
    expect(summary.body.status).toBe('imported');
    return summary.body as Record<string, unknown>;
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
      'registries_e2e',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-registries-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      UPLOAD_BYTES_MAX: String(2 * 1024 * 1024),
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every valid line with its snapshot and row, and records each refused one', async () => {
    const badCheck = `${id('001').slice(0, 17)}${id('001').endsWith('0') ? '1' : '0'}`;
    const rows = [
      ['车主身份证号', '姓名', '号牌', '车辆类型', '登记日期', '备注'],
      [id('001'), '张三', '云D12345', '小型轿车', '2018-11-02', ''],
      [
        `${fullWidth(id('003').slice(0, 6))} ${id('003').slice(6)}`,
        '李四',
        '云D22222',
        '拖拉机',
        '2017/5/6',
        '',
      ],
      [badCheck, '王五', '云D33333', '小型轿车', '2018-01-01', ''],
      [id('005'), '赵六', '', '小型轿车', '2018-01-01', ''],
      [id('007'), '钱七', '云D44444', '小型轿车', '2018-02-30', ''],
      [id('009'), '孙八', '云D55555', '低速货车', '2016年3月1日', '农用'],
    ];
    const response = await upload(
      users.commission,
      'vehicles',
      utf8Csv(rows, true),
      '车辆登记.csv',
    ).expect(202);
    expect(response.body).toMatchObject({
      format: 'csv',
      snapshotId: expect.stringMatching(/^rg-vehicles-530325-/),
    });
    const summary = await imported('vehicles', response.body.snapshotId, response.body.jobId);
    expect(summary).toMatchObject({
      kind: 'vehicles',
      divisionCode: county,
      asOf: '2019-01-31',
      rows: 3,
      rejectedRows: 3,
      uploadedBy: users.commission,
      file: { sha256: response.body.fileSha256, name: '车辆登记.csv', format: 'csv' },
    });
    expect(summary.rejections).toEqual([
      { row: 3, field: 'owner_id', reason: expect.stringContaining('not a valid ID number') },
      { row: 4, field: 'plate', reason: 'is empty' },
      { row: 5, field: 'registered', reason: expect.stringContaining('not a day of the calendar') },
    ]);
    const stored = await db.query<{
      row: number;
      id_number: string;
      data: Record<string, unknown>;
    }>('SELECT row, id_number, data FROM registry_rows WHERE snapshot_id = $1 ORDER BY row', [
      response.body.snapshotId,
    ]);
    expect(stored.rows.map((row) => [row.row, row.id_number])).toEqual([
      [1, id('001')],
      [2, id('003')],
      [6, id('009')],
    ]);
    expect(stored.rows[1]?.data).toMatchObject({
      kind: 'vehicles',
      type: '拖拉机',
      registered: '2017-05-06',
      source: { snapshotSha256: response.body.fileSha256, asOf: '2019-01-31', row: 2 },
    });
  });

  it('reads XLSX with English headers, cadres and their relatives', async () => {
    const file = await xlsxFile([
      ['cadre_id', 'cadre_name', 'relative_id', 'relative_name', 'relation'],
      [id('011'), '李村长', '', '', ''],
      [id('011'), '李村长', id('013'), '李小', '子女'],
    ]);
    const response = await upload(users.commission, 'village-cadres', file, 'cadres.xlsx').expect(
      202,
    );
    expect(
      await imported('village-cadres', response.body.snapshotId, response.body.jobId),
    ).toMatchObject({
      rows: 2,
      rejectedRows: 0,
    });
    const stored = await db.query<{ id_number: string; other_id_number: string | null }>(
      'SELECT id_number, other_id_number FROM registry_rows WHERE snapshot_id = $1 ORDER BY row',
      [response.body.snapshotId],
    );
    expect(stored.rows).toEqual([
      { id_number: id('011'), other_id_number: null },
      { id_number: id('013'), other_id_number: id('011') },
    ]);
  });

  it('refuses the same file twice, wrong columns, another role and another county, writing nothing', async () => {
    const file = utf8Csv([
      ['身份证号', '姓名', '死亡日期'],
      [id('021'), '周九', '2018-12-01'],
    ]);
    const first = await upload(users.commission, 'deaths', file, 'deaths.csv').expect(202);
    await imported('deaths', first.body.snapshotId, first.body.jobId);
    const before = await head();

    const again = await upload(users.commission, 'deaths', file, 'deaths-again.csv').expect(409);
    expectProblem(again, 409);
    expect(again.body.detail).toContain(first.body.snapshotId);

    const wrong = await upload(
      users.commission,
      'deaths',
      utf8Csv([
        ['身份证号', '姓名'],
        [id('023'), '吴十'],
      ]),
      'x.csv',
    ).expect(400);
    expectProblem(wrong, 400);
    expect(wrong.body.detail).toContain('死亡日期 / died');

    expectProblem(await upload(users.finance, 'deaths', file, 'd.csv').expect(403), 403);
    // Another county's commission stores nothing, not even the file.
    const neighbours = utf8Csv([
      ['身份证号', '姓名', '死亡日期'],
      [id('024'), '郑一', '2018-12-02'],
    ]);
    expectProblem(
      await upload(users.neighbour, 'deaths', neighbours, 'd.csv', {
        divisionCode: county,
        asOf: '2019-01-31',
      }).expect(403),
      403,
    );
    expect(await blobStored(dataDir, neighbours)).toBe(false);
    expect(await blobStored(dataDir, file)).toBe(true);
    expectProblem(await upload(users.commission, 'horses', file, 'd.csv').expect(400), 400);
    expectProblem(
      await upload(users.commission, 'deaths', file, 'd.csv', {
        divisionCode: county,
        asOf: '2999-01-01',
      }).expect(400),
      400,
    );
    expectProblem(
      await as(users.neighbour)
        .get(`/registries/deaths/snapshots/${first.body.snapshotId}`)
        .expect(403),
      403,
    );
    expectProblem(
      await as(users.commission)
        .get('/registries/deaths/snapshots/rg-deaths-530325-000000000000')
        .expect(404),
      404,
    );
    expect(await head()).toBe(before);
  });
});
