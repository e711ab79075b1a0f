/*
 * GET /api/v1/jobs/:id over real HTTP, on both job backends: the embedded default (BullMQ's
 * PostgreSQL backend in the log's database, used as the app's restricted login) and Redis at
 * REDIS_URL (required under CI). A job is seen by its submitter and by users above the
 * submitter's jurisdiction, and by nobody else, who cannot even learn that it exists.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { JOB_QUEUES, type JobQueues } from '@sunlight/jobs';
import { testRedisUrl, uniqueJobsPrefix } from '@sunlight/jobs/testing';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'jobs-e2e-secret-'.padEnd(48, 'j');
const clerk = { id: 'u-clerk', role: 'finance', division: '530325102' };
const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL (embedded default)', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('jobs-e2e') }),
        },
      ]),
];

describe.each(backends)('GET /jobs/:id on $label', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: typeof clerk) => ActorClient;
  let jobs: JobQueues;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'jobs_e2e');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-jobs-e2e-'));
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      ...env(),
    });
    as = actorClients(app.server, jwtSecret);
    jobs = app.app.get<JobQueues>(JOB_QUEUES);
    const gate = new Promise<void>((resolve) => (release = resolve));
    jobs.define<{ rows: number }, { rows: number }>('e2e-echo', {
      async processor(run) {
        await run.progress(1, run.data.rows);
        await gate;
        await run.progress(run.data.rows, run.data.rows);
        return { rows: run.data.rows };
      },
    });
    await jobs.startWorkers();
  });
  afterAll(async () => {
    release();
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the submitter the progress, then the result, and users above them too', async () => {
    const id = await jobs.submit('e2e-echo', 'echo', { rows: 4 }, clerk);
    const running = await eventually(async () => {
      const response = await as(clerk).get(`/jobs/${id}`).expect(200);
      expect(response.body).toMatchObject({ state: 'active', progress: { done: 1, total: 4 } });
      return response.body as Record<string, unknown>;
    });
    expect(running).toMatchObject({ id, kind: 'echo', progress: { percent: 25 } });
    expect(running.finishedAt).toBeUndefined();
    release();
    const done = await eventually(async () => {
      const response = await as(clerk).get(`/jobs/${id}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as Record<string, unknown>;
    });
    expect(done).toMatchObject({
      id,
      queue: 'e2e-echo',
      state: 'completed',
      progress: { percent: 100, done: 4, total: 4 },
      result: { rows: 4 },
      submittedBy: clerk,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      finishedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // The county above the township, and the province above both, see it.
    for (const above of [
      { id: 'u-county-commission', role: 'commission', division: '530325' },
      { id: 'u-province-admin', role: 'admin', division: '53' },
    ]) {
      await as(above).get(`/jobs/${id}`).expect(200);
    }
    // A colleague in the same township, the next county and a lower level do not learn of it.
    for (const other of [
      { id: 'u-colleague', role: 'finance', division: '530325102' },
      { id: 'u-other-county', role: 'commission', division: '530324' },
      { id: 'u-admin-elsewhere', role: 'admin', division: '530102' },
    ]) {
      const response = await as(other).get(`/jobs/${id}`);
      expectProblem(response, 404);
      expect(response.body.type).toBe('https://sunlight.example/problems/jobs/not-found');
    }
  });

  it('answers 404 for an unknown or malformed id and 401 without a token', async () => {
    expectProblem(await as(clerk).get('/jobs/e2e-echo.00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await as(clerk).get('/jobs/not-a-job-id'), 404);
    expectProblem(await request(app.server).get('/api/v1/jobs/e2e-echo.1'), 401);
  });
});
