// Proves that no instance is blind to the read models it serves: a projection that cannot apply an event is reported stalled, with that event's position and the error, and /health answers 503 while /metrics exports the state; an API instance that keeps no read models (RUN_PROJECTIONS=false) reports how far they are behind the log; and an idle app follows a rebuild made by the CLI within seconds, with no command to wake it.
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import type { Role } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { dashboardsProjectionVersion } from '@sunlight/funds';
import { generationsPerVersion } from '../src/read-models/projection-versions';
import { actorClients, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { projectionsOf, type HealthBody } from './support/child-app';
import { runSunlight } from './support/cli-capture';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'projections-health-e2e-'.padEnd(48, 'p');
const actor = (id: string, role: Role, division: string): Actor<Role> => ({ id, role, division });
const finance = actor('f-530325', 'finance', '530325');
const dashboardsStorage = (generation: number) =>
  dashboardsProjectionVersion * generationsPerVersion + generation;

describe('projections as every instance reports them', () => {
  let databaseUrl: string;
  let worker: { app: NestExpressApplication; server: Server };
  let api: { app: NestExpressApplication; server: Server };
  let db: Client;
  let as: (actor: Actor) => ActorClient;

  const health = async (server: Server) => {
    const response = await request(server).get('/health');
    return { status: response.status, body: response.body as HealthBody };
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'proj_health');
    worker = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    api = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      RUN_PROJECTIONS: 'false',
      RUN_PROCESSORS: 'false',
    });
    as = actorClients(worker.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await as(finance)
      .post('/funds', {
        fundId: 'ph-2026-001',
        name: '健康检查资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325', amount: '1000.00' },
      })
      .expect(201);
    await eventually(async () => {
      expect(projectionsOf((await health(worker.server)).body).dashboards).toMatchObject({
        state: 'live',
        lagEvents: 0,
      });
    });
  });

  afterAll(async () => {
    await api?.app.close();
    await worker?.app.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('reports on an API instance how far the read models it serves are behind the log', async () => {
    const { status, body } = await health(api.server);
    expect(status).toBe(200);
    expect(projectionsOf(body).dashboards).toMatchObject({
      state: 'followed',
      version: dashboardsStorage(0),
      lagEvents: expect.any(Number),
    });
    const metrics = await request(api.server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/sunlight_projection_lag_events\{projection="dashboards"\} \d+/);
  });

  it('reports a projection that cannot apply an event as stalled, with its position and error, and answers 503', async () => {
    // A read model damaged behind the app's back while the worker was down: the county's
    // balance shown as 0. (A running worker keeps its documents in memory.)
    await worker.app.close();
    const { rows } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM sunlight_read.read_collections WHERE projection = 'dashboards' AND collection = 'dashboards'",
    );
    await db.query(
      `UPDATE sunlight_read.${db.escapeIdentifier(rows[0].table_name)}
          SET doc = jsonb_set(doc, '{totals,balanceFen}', '"0"') WHERE id = '530325'`,
    );
    worker = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(worker.server, jwtSecret);
    const requested = await as(finance)
      .post('/funds/ph-2026-001/disbursements', {
        transferId: 'ph-d-1',
        divisionCode: '530325',
        beneficiary: { kind: 'person', id: 'p1', name: '张三' },
        amount: '10.00',
      })
      .expect(201);
    await eventually(async () => {
      const { status, body } = await health(worker.server);
      expect(status).toBe(503);
      expect(projectionsOf(body).dashboards).toMatchObject({
        state: 'stalled',
        failedPosition: requested.body.position,
        lastError: expect.stringContaining('would become negative'),
      });
    }, 20_000);
    const metrics = await request(worker.server).get('/metrics').expect(200);
    expect(metrics.text).toContain(
      'sunlight_projection_state{projection="dashboards",state="stalled"} 1',
    );
    expect(metrics.text).toContain(
      `sunlight_projection_failed_position{projection="dashboards"} ${Number(requested.body.position)}`,
    );
    // The histories still answer: a stuck read model never makes them fail.
    const history = await as(actor('c-530325', 'commission', '530325')).get(
      '/history/pools/ph-2026-001/530325',
    );
    expect(history.status).toBe(200);
  });

  it('follows a rebuild made elsewhere within seconds while idle, which also repairs the stall', async () => {
    const rebuilt = await runSunlight(
      ['projections', 'rebuild', 'dashboards', '--database-url', databaseUrl],
      { LOG_LEVEL: 'silent', JWT_SECRET: jwtSecret },
    );
    expect(rebuilt.exitCode).toBe(0);
    const switched = Date.now();
    await eventually(async () => {
      const { status, body } = await health(worker.server);
      expect(status).toBe(200);
      expect(projectionsOf(body).dashboards).toMatchObject({
        version: dashboardsStorage(1),
        state: 'live',
        lagEvents: 0,
      });
    }, 20_000);
    // The supervisor looks every 5 s; no command was needed to wake it.
    expect(Date.now() - switched).toBeLessThan(15_000);
    const dashboard = await as(finance).get('/dashboards/530325').expect(200);
    expect(dashboard.body.totals.balance).toBe('990.00');
  });
});
