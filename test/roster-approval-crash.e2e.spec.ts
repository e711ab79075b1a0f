/*
 * A roster's approval job survives its worker being killed (SIGKILL) mid-way, on both job
 * backends: the API runs without workers, a `sunlight worker` process takes the approval job and
 * is killed after it recorded some of the lines and before the last; a second worker takes the
 * job up again, and in the end every accepted line is exactly one DisbursementRequested — none
 * twice, none missing — with the very event ids a clean run writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { deterministicUuid } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import { rosterRequestsPerBatch } from '@sunlight/rosters/application/roster-approval';
import { testRedisUrl, uniqueJobsPrefix } from '@sunlight/jobs/testing';
import type { Actor } from '@sunlight/kernel';
import { actorClients, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { builtCli, ensureBuilt } from './support/child-app';
import { utf8Csv } from './support/roster-files';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'roster-crash-e2e-secret-'.padEnd(48, 'k');
const fundId = 'yn-2026-roster-crash';
const township = '530325102';
const villageInside = '530325102202';
const lines = 3_000;
const perAppend = rosterRequestsPerBatch;
const users = {
  clerk: { id: 'u-clerk', role: 'finance', division: township },
  countyFinance: { id: 'u-county-finance', role: 'finance', division: '530325' },
  approver: { id: 'u-approver', role: 'approver', division: '530325' },
} satisfies Record<string, Actor>;

const redisUrl = testRedisUrl();
const backends: { label: string; env: () => Record<string, string> }[] = [
  { label: 'PostgreSQL jobs', env: () => ({}) },
  ...(redisUrl === undefined
    ? []
    : [
        {
          label: 'Redis jobs',
          env: () => ({ REDIS_URL: redisUrl, JOBS_PREFIX: uniqueJobsPrefix('roster-crash') }),
        },
      ]),
];

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [builtCli, 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-8_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return { child, exited, output: () => output };
}

describe.each(backends)('roster approval after a SIGKILL ($label)', ({ env }) => {
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let as: (actor: Actor) => ActorClient;
  let workerEnv: Record<string, string>;
  const workers: Worker[] = [];

  const requested = async (rosterId: string) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_id: string; transfer_id: string }>(
        `SELECT event_id, data->>'transferId' AS transfer_id FROM events
          WHERE stream_name = $1 AND type = 'DisbursementRequested' AND data->>'rosterBatchRef' = $2
          ORDER BY revision`,
        [`pool-${fundId}.${township}`, rosterId],
      );
      return rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    ensureBuilt();
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'roster_crash_e2e',
    );
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-roster-crash-e2e-'));
    const shared = {
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      JOB_LOCK_MS: '2000',
      ...env(),
    };
    // The API alone: every job runs in a worker process of its own.
    app = await startTestApp({ ...shared, RUN_WORKERS: 'false' });
    workerEnv = {
      ...shared,
      LOG_LEVEL: 'silent',
      RUN_PROJECTIONS: 'false',
      RUN_PROCESSORS: 'false',
    };
    as = actorClients(app.server, jwtSecret);
    await as(users.countyFinance)
      .post('/funds', {
        fundId,
        name: '富源县产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: township, amount: '9000000.00' },
      })
      .expect(201);
  });
  afterAll(async () => {
    for (const worker of workers) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await app?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes every line exactly once after the worker is killed mid-way', async () => {
    const first = startWorker(workerEnv);
    workers.push(first);
    // Each line a person of their own: a birth date per line.
    const rows = Array.from({ length: lines }, (_, index) => {
      const birth = new Date(Date.UTC(1960, 0, 1) + index * 86_400_000)
        .toISOString()
        .slice(0, 10)
        .replace(/-/g, '');
      return [
        `村民${index}`,
        makeIdNumber('530325', birth, '001'),
        villageInside,
        `62284800${String(index).padStart(8, '0')}`,
        `${100 + (index % 50)}.50`,
      ];
    });
    const uploaded = await as(users.clerk)
      .postForm(
        '/rosters',
        { fundId, divisionCode: township, purpose: '产业发展补助', period: '2026年第二批' },
        {
          file: {
            bytes: utf8Csv([['姓名', '身份证号', '村组', '银行账号', '金额'], ...rows]),
            fileName: 'big.csv',
          },
        },
      )
      .expect(202);
    const rosterId = uploaded.body.rosterId as string;
    await eventually(async () => {
      const summary = await as(users.clerk).get(`/rosters/${rosterId}`).expect(200);
      expect(summary.body).toMatchObject({ status: 'parsed', accepted: lines });
    }, 120_000);

    const approved = await as(users.approver).post(`/rosters/${rosterId}/approve`).expect(202);
    const jobId = approved.body.jobId as string;
    // Killed once some lines are written and before the last.
    let killedAt = -1;
    const deadline = Date.now() + 120_000;
    while (killedAt < 0 && Date.now() < deadline) {
      const written = (await requested(rosterId)).length;
      if (written >= lines) break;
      if (written > 0) {
        first.child.kill('SIGKILL');
        killedAt = written;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    await first.exited;
    expect(killedAt).toBeGreaterThan(0);
    const afterKill = await requested(rosterId);
    expect(afterKill.length).toBeLessThan(lines);
    const job = await as(users.approver).get(`/jobs/${jobId}`).expect(200);
    expect(job.body.state).toBe('active');

    const second = startWorker(workerEnv);
    workers.push(second);
    const finished = await eventually(async () => {
      const response = await as(users.approver).get(`/jobs/${jobId}`).expect(200);
      expect(response.body.state).toBe('completed');
      return response.body as { result: unknown; attempts: number };
    }, 120_000);
    expect(finished.result).toMatchObject({ rosterId, requested: lines });
    expect(finished.attempts).toBeGreaterThanOrEqual(2);

    const events = await requested(rosterId);
    // Every line once, in row order, none twice, none missing.
    expect(events.map((event) => event.transfer_id)).toEqual(
      Array.from({ length: lines }, (_, index) => `${rosterId}-${index + 2}`),
    );
    // The ids a clean run writes: each batch's command id follows from its first row.
    expect(events.map((event) => event.event_id)).toEqual(
      Array.from({ length: lines }, (_, index) => {
        const firstRow = 2 + Math.floor(index / perAppend) * perAppend;
        return deterministicUuid(`${rosterId}/requests/${firstRow}/${index % perAppend}`);
      }),
    );
    // The events written before the kill are the same ones, not rewritten.
    expect(events.slice(0, afterKill.length)).toEqual(afterKill);
    const pool = await as(users.countyFinance).get(`/pools/${fundId}/${township}`).expect(200);
    expect(pool.body.pendingApprovalCount).toBe(lines);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
