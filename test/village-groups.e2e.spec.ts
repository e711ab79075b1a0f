// Proves over real HTTP that village groups (村民小组) are registered by event under a village code as <villageCode>-<n>: the event comes back as stored, an identical repeat is a 200 replay of it, another name is a 409, a non-village is a 422 that writes nothing, jurisdiction, roles and the body are checked, and a restarted app, or a second one on the same database, knows the group from the log.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import { requireEnv, startTestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'village-groups-e2e-secret-'.padEnd(48, 'v');
// 清溪社区居民委员会 and 太和社区居民委员会, villages of 中安街道 (530325001) in 富源县 (530325).
const village = '530325001001';
const otherVillage = '530325001002';
const township = '530325001';
const groupsPath = (code: string) => `/api/v1/divisions/${code}/groups`;

function bearer(id: string, role: string, division: string): string {
  return `Bearer ${signAccessToken(jwtSecret, { actor: { id, role: role as never, division } })}`;
}

const villageStaff = bearer('v1', 'village_staff', '530325');
const finance = bearer('f1', 'finance', '53');
const admin = bearer('a1', 'admin', '53');
const outsider = bearer('v2', 'village_staff', '530402');
const approver = bearer('p1', 'approver', '530325');

async function startApp(databaseUrl: string): Promise<NestExpressApplication> {
  const started = await startTestApp({
    DATABASE_URL: databaseUrl,
    PG_POOL_SIZE: '2',
    JWT_SECRET: jwtSecret,
  });
  return started.app;
}

describe('village groups over HTTP', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let db: Client;

  const server = () => app.getHttpServer();
  const post = (code: string, body: unknown, authorization = villageStaff) =>
    request(server())
      .post(groupsPath(code))
      .set('Authorization', authorization)
      .send(body as object);
  const get = (path: string, target = app) =>
    request(target.getHttpServer()).get(path).set('Authorization', villageStaff);
  const eventCount = async (streamName?: string): Promise<number> => {
    const result =
      streamName === undefined
        ? await db.query<{ count: string }>('SELECT count(*) FROM events')
        : await db.query<{ count: string }>('SELECT count(*) FROM events WHERE stream_name = $1', [
            streamName,
          ]);
    return Number(result.rows[0]?.count);
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'village_groups',
    );
    app = await startApp(databaseUrl);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  let registered: Record<string, unknown>;

  it('POST /divisions/<village>/groups → 201 with VillageGroupRegistered as stored', async () => {
    const response = await post(village, { groupNumber: 3, name: '第三村民小组' })
      .set('X-Correlation-Id', 'e2e-groups-1')
      .expect(201);

    expect(response.headers['idempotent-replayed']).toBe('false');
    expect(response.body).toEqual({
      streamName: `villagegroups-${village}`,
      revision: '0',
      position: expect.stringMatching(/^\d+$/),
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'VillageGroupRegistered',
      data: { villageCode: village, groupNumber: 3, code: `${village}-3`, name: '第三村民小组' },
      metadata: {
        actor: { id: 'v1', role: 'village_staff', division: '530325' },
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        commandId: expect.any(String),
        correlationId: 'e2e-groups-1',
        causationId: response.body.metadata.commandId,
        schemaVersion: 1,
      },
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    registered = response.body;
  });

  it('GET the group and the village children at once: level village_group under its village', async () => {
    const group = await get(`/api/v1/divisions/${village}-3`).expect(200);
    expect(group.body).toMatchObject({
      code: `${village}-3`,
      name: '第三村民小组',
      level: 'village_group',
      parentCode: village,
    });
    expect(group.body.ancestors.map((ancestor: { code: string }) => ancestor.code)).toEqual([
      '53',
      '5303',
      '530325',
      township,
      village,
    ]);

    const children = await get(`/api/v1/divisions/${village}/children`).expect(200);
    expect(children.body.children).toEqual([
      { code: `${village}-3`, name: '第三村民小组', level: 'village_group' },
    ]);
  });

  it('an identical repeat, by another allowed user → 200 Idempotent-Replayed with the same event, nothing new written', async () => {
    const before = await eventCount();

    const response = await post(
      village,
      { groupNumber: 3, name: ' 第三村民小组 ' },
      finance,
    ).expect(200);

    expect(response.headers['idempotent-replayed']).toBe('true');
    expect(response.body).toEqual(registered);
    expect(await eventCount()).toBe(before);
  });

  it('the same number under another name → 409 GEO.VILLAGE_GROUP_CONFLICT, and the group keeps its name', async () => {
    const response = await post(village, { groupNumber: 3, name: '第四村民小组' }).expect(409);

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/geo/village-group-conflict',
      status: 409,
    });
    expect(response.body.detail).toContain('第三村民小组');
    expect((await get(`/api/v1/divisions/${village}-3`).expect(200)).body.name).toBe(
      '第三村民小组',
    );
    expect(await eventCount(`villagegroups-${village}`)).toBe(1);
  });

  it('groups sort by number among the village children; admin may register too', async () => {
    await post(village, { groupNumber: 10, name: '第十村民小组' }, admin).expect(201);
    await post(village, { groupNumber: 2, name: '第二村民小组' }).expect(201);

    const children = await get(`/api/v1/divisions/${village}/children`).expect(200);
    expect(children.body.children.map((child: { code: string }) => child.code)).toEqual([
      `${village}-2`,
      `${village}-3`,
      `${village}-10`,
    ]);
  });

  it('a township code → 422 GEO.NOT_A_VILLAGE naming villageCode, and nothing is written', async () => {
    const before = await eventCount();

    const response = await post(township, { groupNumber: 1, name: '第一村民小组' }).expect(422);

    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/geo/not-a-village',
      status: 422,
      errors: [{ field: 'villageCode', message: expect.stringContaining(township) }],
    });
    expect(await eventCount()).toBe(before);
    expect(await eventCount(`villagegroups-${township}`)).toBe(0);
    await get(`/api/v1/divisions/${township}-1`).expect(400);
  });

  it("a village outside the caller's jurisdiction → 403 forbidden-jurisdiction; a role not allowed → 403 forbidden-role", async () => {
    const before = await eventCount();

    const outside = await post(
      otherVillage,
      { groupNumber: 1, name: '第一村民小组' },
      outsider,
    ).expect(403);
    expect(outside.body).toMatchObject({
      type: 'https://sunlight.example/problems/auth/forbidden-jurisdiction',
      status: 403,
    });

    const role = await post(
      otherVillage,
      { groupNumber: 1, name: '第一村民小组' },
      approver,
    ).expect(403);
    expect(role.body).toMatchObject({
      type: 'https://sunlight.example/problems/auth/forbidden-role',
      status: 403,
    });

    expect(await eventCount()).toBe(before);
    await get(`/api/v1/divisions/${otherVillage}-1`).expect(404);
  });

  it.each([
    [{ groupNumber: 0, name: '第零组' }, 'groupNumber'],
    [{ groupNumber: 1000, name: '组' }, 'groupNumber'],
    [{ groupNumber: '1', name: '第一村民小组' }, 'groupNumber'],
    [{ groupNumber: 1, name: '   ' }, 'name'],
    [{ groupNumber: 1, name: '组'.repeat(65) }, 'name'],
    [{ groupNumber: 1, name: '第一村民小组', leader: '张三' }, 'leader'],
  ])('bad body %j → 400 naming %s', async (body, field) => {
    const response = await post(otherVillage, body).expect(400);

    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/request/validation-failed',
      status: 400,
    });
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('a malformed code → 400 naming villageCode; an unknown one → 404; no token → 401', async () => {
    const malformed = await post('fuyuan', { groupNumber: 1, name: '第一村民小组' }).expect(400);
    expect(malformed.body.errors).toEqual([
      { field: 'villageCode', message: expect.stringContaining('must be a division code') },
    ]);

    await post('530325001999', { groupNumber: 1, name: '第一村民小组' }).expect(404);
    await request(server())
      .post(groupsPath(otherVillage))
      .send({ groupNumber: 1, name: '第一村民小组' })
      .expect(401);
  });

  it('a second app on the same database learns a new group from the log while it runs', async () => {
    const second = await startApp(databaseUrl);
    try {
      await get(`/api/v1/divisions/${otherVillage}-1`, second).expect(404);
      await post(otherVillage, { groupNumber: 1, name: '第一村民小组' }).expect(201);

      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
        status = (await get(`/api/v1/divisions/${otherVillage}-1`, second)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('after a restart on the same database every group is known again, before the first request', async () => {
    await app.close();
    app = await startApp(databaseUrl);

    const group = await get(`/api/v1/divisions/${village}-3`).expect(200);
    expect(group.body).toMatchObject({
      code: `${village}-3`,
      name: '第三村民小组',
      level: 'village_group',
      parentCode: village,
    });
    const children = await get(`/api/v1/divisions/${village}/children`).expect(200);
    expect(children.body.children.map((child: { code: string }) => child.code)).toEqual([
      `${village}-2`,
      `${village}-3`,
      `${village}-10`,
    ]);
    await get(`/api/v1/divisions/${otherVillage}-1`).expect(200);

    const repeat = await post(village, { groupNumber: 3, name: '第三村民小组' }).expect(200);
    expect(repeat.body).toEqual(registered);
  });
});
