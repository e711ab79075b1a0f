import { spawn } from 'node:child_process';
import { createTestDatabase, dropTestDatabase } from '../../../test/support/test-database';
import { requireEnv } from '../../../test/support/test-app';
import { JobQueues, type JobsBackendConfig } from './job-queues';
import type { JobView } from './job';
import { preparePostgresJobsBackend, testRedisUrl, uniqueJobsPrefix } from './testing';

/*
 * The queues on both backends, through BullMQ itself: Redis at REDIS_URL (required under CI) and
 * the PostgreSQL backend on a database of its own, used as a login that may create nothing.
 */

interface BackendCase {
  label: string;
  open(): Promise<{ backend: JobsBackendConfig; close(): Promise<void> }>;
}

const backends: BackendCase[] = [
  {
    label: 'PostgreSQL backend',
    async open() {
      const adminUrl = requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL');
      const databaseUrl = await createTestDatabase(adminUrl, 'jobs');
      const prepared = await preparePostgresJobsBackend(databaseUrl);
      return {
        backend: prepared.backend,
        async close() {
          await dropTestDatabase(databaseUrl);
          await prepared.dropRoles(adminUrl);
        },
      };
    },
  },
];
const redisUrl = testRedisUrl();
if (redisUrl !== undefined) {
  backends.push({
    label: 'Redis backend',
    open: () =>
      Promise.resolve({
        backend: { kind: 'redis', url: redisUrl, prefix: uniqueJobsPrefix('jobs') },
        close: () => Promise.resolve(),
      }),
  });
}

const submitter = { id: 'u-clerk', role: 'finance', division: '530325102' };
const lockMs = 1_500;

describe.each(backends)('JobQueues on the $label', ({ open }) => {
  let backend: JobsBackendConfig;
  let closeBackend: () => Promise<void>;
  const opened: JobQueues[] = [];

  const queues = (closeGraceMs?: number): JobQueues => {
    const made = new JobQueues({ backend, lockMs, closeGraceMs });
    opened.push(made);
    return made;
  };

  beforeAll(async () => {
    ({ backend, close: closeBackend } = await open());
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((made) => made.close()));
  });
  afterAll(() => closeBackend());

  it('runs a job and keeps its state, progress, result and times for its submitter', async () => {
    const jobs = queues();
    jobs.define<{ rows: number }, { sum: number }>('sums', {
      async processor(run) {
        for (let row = 1; row <= run.data.rows; row += 1) await run.progress(row, run.data.rows);
        return { sum: (run.data.rows * (run.data.rows + 1)) / 2 };
      },
    });
    await jobs.startWorkers();
    const id = await jobs.submit('sums', 'sum-rows', { rows: 4 }, submitter);
    expect(id).toMatch(/^sums\.[0-9a-f-]{36}$/);
    const view = await jobs.waitUntilFinished(id, 30_000);
    expect(view).toMatchObject({
      id,
      queue: 'sums',
      kind: 'sum-rows',
      state: 'completed',
      progress: { percent: 100, done: 4, total: 4 },
      result: { sum: 10 },
      submittedBy: submitter,
      attempts: 1,
    });
    expect(view.error).toBeUndefined();
    expect(Date.parse(view.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(view.createdAt));
  });

  it('shows a running job as active with its progress so far', async () => {
    const jobs = queues();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    jobs.define('slow', {
      async processor(run) {
        await run.progress(3, 10);
        await released;
        return 'done';
      },
    });
    await jobs.startWorkers();
    const id = await jobs.submit('slow', 'slow', {}, submitter);
    let seen: JobView | undefined;
    try {
      // On a loaded machine the short test lock can lapse once, and the job goes back to
      // waiting until a worker takes it up again: wait for it to be active with its progress.
      for (let tries = 0; tries < 400; tries += 1) {
        seen = await jobs.find(id);
        if (seen?.state === 'active' && seen.progress.done === 3) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toMatchObject({
        state: 'active',
        progress: { percent: 30, done: 3, total: 10 },
      });
      expect(seen?.finishedAt).toBeUndefined();
    } finally {
      release();
    }
    expect((await jobs.waitUntilFinished(id, 30_000)).result).toBe('done');
  });

  it('fails a job for good once its attempts are used, with the error', async () => {
    const jobs = queues();
    let runs = 0;
    jobs.define('broken', {
      attempts: 2,
      processor() {
        runs += 1;
        return Promise.reject(new Error(`row 7 cannot be read (run ${runs})`));
      },
    });
    await jobs.startWorkers();
    const id = await jobs.submit('broken', 'broken', {}, submitter);
    const view = await jobs.waitUntilFinished(id, 30_000);
    expect(view).toMatchObject({ state: 'failed', error: 'row 7 cannot be read (run 2)' });
    expect(view.result).toBeUndefined();
    expect(runs).toBe(2);
  });

  it('knows no job of an unknown or malformed id', async () => {
    const jobs = queues();
    jobs.define('sums', { processor: () => Promise.resolve(1) });
    expect(await jobs.find('sums.00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await jobs.find('other.00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await jobs.find('sums:1')).toBeUndefined();
  });

  it('closes within its grace period while a job never finishes, and the job is taken up again', async () => {
    const stuck = queues(300);
    let attempts = 0;
    stuck.define('stuck', {
      async processor(run) {
        attempts += 1;
        await run.progress(1, 2);
        await new Promise(() => undefined);
        return 'never';
      },
    });
    await stuck.startWorkers();
    const id = await stuck.submit('stuck', 'stuck', {}, submitter);
    while ((await stuck.find(id))?.state !== 'active') {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stuck.close();
    expect(attempts).toBe(1);

    const next = queues();
    next.define<unknown, string>('stuck', {
      processor: (run) => Promise.resolve(`finished on attempt ${run.attempt}`),
    });
    await next.startWorkers();
    const view = await next.waitUntilFinished(id, 60_000);
    expect(view).toMatchObject({ state: 'completed', result: 'finished on attempt 2' });
  });

  it('takes up again a job whose worker was killed with SIGKILL mid-way', async () => {
    const jobs = queues();
    const runs: number[] = [];
    jobs.define<unknown, string>('crashy', {
      async processor(run) {
        runs.push(run.attempt);
        await run.progress(2, 2);
        return `finished on attempt ${run.attempt}`;
      },
    });
    // Submitted before any worker of this process runs: the child's worker takes it first.
    const id = await jobs.submit('crashy', 'crashy', {}, submitter);
    const child = spawnHangingWorker(backend, 'crashy');
    await child.started;
    child.process.kill('SIGKILL');
    await child.exited;
    expect((await jobs.find(id))?.state).toBe('active');
    await jobs.startWorkers();
    const view = await jobs.waitUntilFinished(id, 60_000);
    expect(view.state).toBe('completed');
    expect(runs).toEqual([2]);
    expect(view.result).toBe('finished on attempt 2');
  });
});

/**
 * A worker in another process that takes the job, reports progress and then hangs, as a worker
 * does when the machine kills it mid-way. Plain BullMQ, the same lock settings as JobQueues.
 */
function spawnHangingWorker(
  backend: JobsBackendConfig,
  queue: string,
): { process: ReturnType<typeof spawn>; started: Promise<void>; exited: Promise<void> } {
  const script = `
    const { Worker } = require('bullmq');
    const config = JSON.parse(process.env.JOBS_BACKEND);
    let options, factory = [];
    if (config.kind === 'redis') {
      const IORedis = require('ioredis');
      options = { connection: new IORedis(config.url, { maxRetriesPerRequest: null }), prefix: config.prefix };
    } else {
      options = { connection: { connectionString: config.connectionString, schema: config.schema, migrate: false } };
      factory = [require('bullmq/dist/cjs/postgres').createPostgresBackend];
    }
    new Worker(process.env.JOBS_QUEUE, async (job) => {
      await job.updateProgress({ percent: 50, done: 1, total: 2 });
      process.stdout.write('taken\\n');
      await new Promise(() => undefined);
    }, { ...options, lockDuration: ${lockMs}, stalledInterval: ${lockMs} }, ...factory);
  `;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, JOBS_BACKEND: JSON.stringify(backend), JOBS_QUEUE: queue },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('taken')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hanging worker exited early (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { process: child, started, exited };
}
