// Proves over real HTTP that authenticated users of any role read administrative divisions (行政区划) and their children under /api/v1, that an unknown code is a 404 and a malformed one a 400 naming the field `code`, both as problem+json.
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { roles, signAccessToken } from '@sunlight/auth';
import { documentedRequest } from './support/api-client';
import { startTestApp } from './support/test-app';

const jwtSecret = 'divisions-e2e-secret-'.padEnd(48, 'z');

describe('divisions over HTTP', () => {
  let app: NestExpressApplication;
  let server: ReturnType<NestExpressApplication['getHttpServer']>;
  const villageStaff = `Bearer ${signAccessToken(jwtSecret, { actor: { id: 'v1', role: 'village_staff', division: '530325' } })}`;

  const get = (path: string, authorization = villageStaff) =>
    documentedRequest(server).get(path).set('Authorization', authorization);

  beforeAll(async () => {
    ({ app, server } = await startTestApp({ PG_POOL_SIZE: '2', JWT_SECRET: jwtSecret }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('GET /api/v1/divisions/530325 → 富源县 with its ancestors from the province down', async () => {
    const response = await get('/api/v1/divisions/530325').expect(200);

    expect(response.body).toEqual({
      code: '530325',
      name: '富源县',
      level: 'county',
      parentCode: '5303',
      ancestors: [
        { code: '53', name: '云南省', level: 'province' },
        { code: '5303', name: '曲靖市', level: 'prefecture' },
      ],
    });
  });

  it('GET /api/v1/divisions/53 → the province, with no parent and no ancestors', async () => {
    const response = await get('/api/v1/divisions/53').expect(200);
    expect(response.body).toEqual({
      code: '53',
      name: '云南省',
      level: 'province',
      parentCode: null,
      ancestors: [],
    });
  });

  it("GET /api/v1/divisions/5303/children → 曲靖市's nine counties in code order, 530325 富源县 among them", async () => {
    const response = await get('/api/v1/divisions/5303/children').expect(200);

    expect(response.body.code).toBe('5303');
    expect(response.body.children.map((child: { code: string }) => child.code)).toEqual([
      '530302',
      '530303',
      '530304',
      '530322',
      '530323',
      '530324',
      '530325',
      '530326',
      '530381',
    ]);
    expect(response.body.children).toContainEqual({
      code: '530325',
      name: '富源县',
      level: 'county',
    });
  });

  it('GET children of a county → its townships, each one level down', async () => {
    const response = await get('/api/v1/divisions/530325/children').expect(200);
    expect(response.body.children.length).toBeGreaterThan(0);
    for (const child of response.body.children)
      expect(child).toMatchObject({
        code: expect.stringMatching(/^530325\d{3}$/),
        level: 'township',
      });
  });

  it('every token role may read divisions, whatever its jurisdiction', async () => {
    for (const role of roles) {
      const scopes = role === 'integrator' ? ['Disbursement'] : [];
      const token = `Bearer ${signAccessToken(jwtSecret, { actor: { id: `u-${role}`, role, division: '530402' }, scopes })}`;
      await get('/api/v1/divisions/530325', token).expect(200);
    }
  });

  it.each([
    '/api/v1/divisions/539999',
    '/api/v1/divisions/539999/children',
    '/api/v1/divisions/530325100201-7',
  ])('GET %s → 404 problem+json naming the code', async (path) => {
    const response = await get(path).expect(404);
    const code = path.split('/')[4];

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/geo/unknown-division',
      status: 404,
      title: 'No such division',
    });
    expect(response.body.detail).toContain(`code ${code}`);
  });

  it.each([
    '/api/v1/divisions/fuyuan',
    '/api/v1/divisions/53032',
    '/api/v1/divisions/530325-1/children',
    '/api/v1/divisions/530325100201-0',
  ])('GET %s → 400 problem+json naming the field code', async (path) => {
    const response = await get(path).expect(400);

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'https://sunlight.example/problems/request/validation-failed',
      status: 400,
    });
    expect(response.body.errors).toEqual([
      { field: 'code', message: expect.stringContaining('must be a division code') },
    ]);
  });

  it('without a token → 401', async () => {
    await documentedRequest(server).get('/api/v1/divisions/530325').expect(401);
    await documentedRequest(server).get('/api/v1/divisions/5303/children').expect(401);
  });

  it('the OpenAPI document lists both routes under the divisions tag', async () => {
    const response = await request(server).get('/docs-json').expect(200);

    expect(response.body.paths['/api/v1/divisions/{code}'].get).toMatchObject({
      tags: ['divisions'],
      summary: expect.stringContaining('行政区划'),
    });
    expect(response.body.paths['/api/v1/divisions/{code}/children'].get).toMatchObject({
      tags: ['divisions'],
    });
    expect(response.body.components.schemas.DivisionDto.properties.name.example).toBe('富源县');
  });
});
