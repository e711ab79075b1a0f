// Proves over real HTTP that when the database behind the read models and the log goes away under a running app (dropped: every new connection fails with SQLSTATE 3D000), every read route — dashboards, child listings, person, pool and stream history, raw streams, pools, fund lines — answers 503 problem+json with Retry-After (READ_STORE.UNAVAILABLE for the read models, EVENT_STORE.UNAVAILABLE for the log), never a 500.
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Actor } from '@sunlight/kernel';
import { makeIdNumber } from '@sunlight/geo';
import { ProjectionsSupervisor } from '../src/read-models/projections.supervisor';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'read-store-unavailable-secret-'.padEnd(48, 'u');
const problemType = (code: string) => `https://sunlight.example/problems/${code}`;
const finance: Actor = { id: 'f-530325', role: 'finance', division: '530325' };
const approver: Actor = { id: 'a-530325', role: 'approver', division: '530325' };
const commission: Actor = { id: 'c-530325', role: 'commission', division: '530325' };
const fundId = 'rsu-2026-001';
const idNumber = makeIdNumber('530325', '19800101', '123');

describe('read routes while the database is gone', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let server: Server;
  let as: (actor: Actor) => ActorClient;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'read_store_unavailable',
    );
    ({ app, server } = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret }));
    as = actorClients(server, jwtSecret);
    await as(finance)
      .post('/funds', {
        fundId,
        name: '不可用测试资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325', amount: '1000.00' },
      })
      .expect(201);
    await as(finance)
      .post(`/funds/${fundId}/disbursements`, {
        transferId: 'rsu-d-1',
        divisionCode: '530325',
        beneficiary: { kind: 'household', id: 'hh-1', name: '张三', idNumber },
        amount: '100.00',
      })
      .expect(201);
    await as(approver).post('/disbursements/rsu-d-1/approve').expect(201);
    await app.get(ProjectionsSupervisor).whenCaughtUp();
    // Every route answers before the database goes, so what follows is its going and nothing else.
    await as(commission).get('/dashboards/530325').expect(200);
    await dropTestDatabase(databaseUrl);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['a dashboard', '/dashboards/530325?idleDays=7', 'read-store/unavailable'],
    ['a child listing', '/dashboards/530325/children?limit=3', 'read-store/unavailable'],
    ['a person history', `/history/person/${idNumber}`, 'read-store/unavailable'],
    ['a pool history', `/history/pools/${fundId}/530325`, 'event-store/unavailable'],
    [
      'a stream as of a position',
      `/history/streams/pool-${fundId}.530325?asOf=2`,
      'event-store/unavailable',
    ],
    ['a raw stream', `/streams/pool-${fundId}.530325/events`, 'event-store/unavailable'],
    ['a pool', `/pools/${fundId}/530325`, 'event-store/unavailable'],
    ['a fund line', `/funds/${fundId}`, 'event-store/unavailable'],
  ])('answers %s with 503 problem+json', async (_what, path, code) => {
    const response = await as(commission).get(path);
    expectProblem(response, 503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.type).toBe(problemType(code));
    // Nothing of the driver's message (hosts, database names) reaches the client.
    expect(JSON.stringify(response.body)).not.toContain('sunlight_test_');
  });
});
