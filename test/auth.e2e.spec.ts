// Proves over real HTTP that every API route needs a valid bearer token (401 problem+json with a Bearer challenge when it is missing, forged, expired or names an unknown division), that tokens printed by `sunlight token` are accepted with and without JWT_SECRET, and that /health, /metrics and /docs stay public.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import { runCli } from '../src/cli';
import type { CliContext } from '../src/cli/cli-context';
import { documentedRequest } from './support/api-client';
import { startTestApp } from './support/test-app';

const jwtSecret = 'e2e-secret-'.padEnd(48, 'x');
const guardedPath = '/api/v1/divisions/530325';

/** Runs `sunlight token …` in-process and returns what it printed on stdout. */
async function cliToken(env: CliContext['env'], ...args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = {
    env,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    now: () => Date.now(),
    resolveDatabase: async () => {
      throw new Error('not used by token');
    },
    verifyPostgresLog: async () => {
      throw new Error('not used by token');
    },
    checkBlobs: async () => {
      throw new Error('not used');
    },
    checkSnapshots: async () => {
      throw new Error('not used by token');
    },
    resolveSnapshotKey: async () => {
      throw new Error('not used by token');
    },
    bootstrap: async () => {
      throw new Error('not used by token');
    },
    openApp: async () => {
      throw new Error('not used by token');
    },
    describeApi: async () => {
      throw new Error('not used by token');
    },
  };
  const exitCode = await runCli(['node', 'sunlight', 'token', ...args], context);
  if (exitCode !== 0) throw new Error(`sunlight token exited ${exitCode}: ${err.join('')}`);
  return out.join('').trim();
}

function expectUnauthorized(response: request.Response, type: string, detail: RegExp): void {
  expect(response.status).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="sunlight"/);
  expect(response.body).toMatchObject({
    type: `https://sunlight.example/problems/auth/${type}`,
    status: 401,
    instance: guardedPath,
  });
  expect(response.body.detail).toMatch(detail);
}

describe('authentication over HTTP (JWT_SECRET set)', () => {
  let app: NestExpressApplication;
  let server: ReturnType<NestExpressApplication['getHttpServer']>;

  beforeAll(async () => {
    ({ app } = await startTestApp({ PG_POOL_SIZE: '2', JWT_SECRET: jwtSecret }));
    server = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('no token → 401 authentication-required with a bare Bearer challenge', async () => {
    const response = await documentedRequest(server).get(guardedPath);

    expectUnauthorized(response, 'authentication-required', /No bearer token/);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sunlight"');
    expect(response.body.title).toBe('A bearer token is required');
  });

  it('a token signed with another key → 401 invalid-token naming the signature', async () => {
    const forged = signAccessToken('not-the-server-key'.padEnd(48, 'y'), {
      actor: { id: 'mallory', role: 'admin', division: '53' },
    });

    const response = await documentedRequest(server)
      .get(guardedPath)
      .set('Authorization', `Bearer ${forged}`);

    expectUnauthorized(response, 'invalid-token', /signature does not match/);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('an expired token → 401 token-expired naming when it expired', async () => {
    const expired = signAccessToken(jwtSecret, {
      actor: { id: 'u1', role: 'finance', division: '530325' },
      lifetimeSeconds: 3600,
      nowMs: Date.now() - 10 * 3600 * 1000,
    });

    const response = await documentedRequest(server)
      .get(guardedPath)
      .set('Authorization', `Bearer ${expired}`);

    expectUnauthorized(response, 'token-expired', /expired at \d{4}-\d\d-\d\dT/);
  });

  it('a non-Bearer Authorization header → 401 invalid-token', async () => {
    const response = await documentedRequest(server)
      .get(guardedPath)
      .set('Authorization', 'Basic dTE6cGFzc3dvcmQ=');

    expectUnauthorized(response, 'invalid-token', /Bearer <token>/);
  });

  it('a correctly signed token for an unknown division → 401 invalid-token naming the division', async () => {
    const token = signAccessToken(jwtSecret, {
      actor: { id: 'u1', role: 'finance', division: '539999' },
    });

    const response = await documentedRequest(server)
      .get(guardedPath)
      .set('Authorization', `Bearer ${token}`);

    expectUnauthorized(response, 'invalid-token', /division 539999 is not a known division/);
  });

  it('a token printed by `sunlight token` → 200', async () => {
    const token = await cliToken(
      { JWT_SECRET: jwtSecret },
      '--user',
      'u1',
      '--role',
      'commission',
      '--division',
      '530325',
      '--name',
      '张三',
    );

    const response = await documentedRequest(server)
      .get(guardedPath)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);

    expect(response.body).toMatchObject({ code: '530325', name: '富源县' });
  });

  it('/health, /metrics, /docs and /docs-json answer without a token', async () => {
    await documentedRequest(server).get('/health').expect(200);
    await documentedRequest(server).get('/metrics').expect(200);
    await request(server).get('/docs').redirects(1).expect(200);
    const docs = await request(server).get('/docs-json').expect(200);
    expect(docs.body.paths).toHaveProperty('/health');
    expect(docs.body.paths).toHaveProperty(
      ['/api/v1/divisions/{code}', 'get', 'security'],
      [{ bearer: [] }],
    );
  });

  it('the API lives under /api/v1: the unprefixed path is an unknown route', async () => {
    const token = signAccessToken(jwtSecret, {
      actor: { id: 'u1', role: 'finance', division: '530325' },
    });
    await documentedRequest(server)
      .get('/divisions/530325')
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
    await documentedRequest(server).get('/api/v1/health').expect(404);
  });
});

describe('authentication over HTTP (embedded default: no JWT_SECRET)', () => {
  let dataDir: string;
  let app: NestExpressApplication | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-auth-e2e-'));
    ({ app } = await startTestApp({ PG_POOL_SIZE: '2', SUNLIGHT_DATA_DIR: dataDir }));
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a token from `sunlight token` on the same SUNLIGHT_DATA_DIR → 200, one from elsewhere → 401', async () => {
    const token = await cliToken(
      { SUNLIGHT_DATA_DIR: dataDir },
      '--user',
      'u1',
      '--role',
      'finance',
      '--division',
      '530325',
    );
    const otherDir = await mkdtemp(path.join(tmpdir(), 'sunlight-auth-e2e-other-'));
    const foreign = await cliToken(
      { SUNLIGHT_DATA_DIR: otherDir },
      '--user',
      'u1',
      '--role',
      'finance',
      '--division',
      '530325',
    );
    await rm(otherDir, { recursive: true, force: true });

    await request(app!.getHttpServer())
      .get(guardedPath)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const refused = await request(app!.getHttpServer())
      .get(guardedPath)
      .set('Authorization', `Bearer ${foreign}`);
    expectUnauthorized(refused, 'invalid-token', /signature does not match/);
  });
});
