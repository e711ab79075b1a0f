// Proves over real HTTP that every role reads the cross-check rule catalogue (GET /api/v1/rules
// and /rules/:ruleId) exactly as the rules define themselves, that an unknown rule is a 404 and a
// malformed id a 400 as problem+json, and that a caller without a token gets 401.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { roles, signAccessToken, type Role } from '@sunlight/auth';
import { ruleCatalogue } from '@sunlight/oversight';
import { documentedRequest, expectProblem } from './support/api-client';
import { startTestApp } from './support/test-app';

const jwtSecret = 'rules-e2e-secret-'.padEnd(48, 'r');

describe('cross-check rules over HTTP', () => {
  let app: NestExpressApplication;
  let server: ReturnType<NestExpressApplication['getHttpServer']>;
  const bearer = (role: Role) =>
    `Bearer ${signAccessToken(jwtSecret, {
      actor: { id: `rules-${role}`, role, division: '530325' },
      // An integrator's token must name the event types it reads.
      ...(role === 'integrator' ? { scopes: ['Disbursement'] } : {}),
    })}`;
  const get = (path: string, role: Role = 'commission') =>
    documentedRequest(server).get(`/api/v1${path}`).set('Authorization', bearer(role));

  beforeAll(async () => {
    ({ app, server } = await startTestApp({ PG_POOL_SIZE: '2', JWT_SECRET: jwtSecret }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists every rule with its method, parameters and defaults, to every role', async () => {
    for (const role of roles) {
      const response = await get('/rules', role).expect(200);
      expect(response.body.items.map((rule: { id: string }) => rule.id)).toEqual(
        ruleCatalogue.map((rule) => rule.id),
      );
    }
    const vehicle = (await get('/rules/vehicle-owner').expect(200)).body;
    expect(vehicle).toMatchObject({
      id: 'vehicle-owner',
      version: 1,
      registries: ['vehicles'],
      parameters: {
        farmVehicleTypes: { default: ['三轮农用车', '拖拉机', '低速货车', '农用运输车'] },
      },
    });
    expect(vehicle.exclusions.length).toBeGreaterThan(0);
  });

  it('answers an unknown rule with 404 and a malformed id with 400, as problem+json', async () => {
    expectProblem(await get('/rules/no-such-rule').expect(404), 404);
    expectProblem(await get('/rules/Not_A_Rule').expect(400), 400);
  });

  it('asks for a token', async () => {
    await documentedRequest(server).get('/api/v1/rules').expect(401);
  });
});
