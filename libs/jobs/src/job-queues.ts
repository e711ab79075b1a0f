import { randomUUID } from 'node:crypto';
// The PostgreSQL backend is bullmq/dist/cjs/postgres, re-exported (with its types) by bullmq.
import {
  createPostgresBackend,
  Queue,
  Worker,
  type Job,
  type JobsOptions,
  type WorkerOptions,
} from 'bullmq';
import IORedis from 'ioredis';
import {
  jobProgress,
  queueNamePattern,
  queueOfJobId,
  UnknownQueueError,
  type JobProgress,
  type JobState,
  type JobSubmitter,
  type JobView,
} from './job';

/**
 * The app's queues on BullMQ 6: on Redis when REDIS_URL is set, otherwise on the log's own
 * PostgreSQL through BullMQ's PostgreSQL backend (in a schema of its own), so the embedded default
 * needs nothing else. Contexts define a queue and its processor once; the app then submits jobs
 * and, where RUN_WORKERS is on, runs the workers.
 */

export type JobsBackendConfig =
  | {
      readonly kind: 'redis';
      readonly url: string;
      /** Namespaces every key, so apps (and test runs) sharing one Redis never mix. */
      readonly prefix: string;
    }
  | {
      readonly kind: 'postgres';
      /** A login of `sunlight_app`; the schema was prepared by the owner (`prepareJobsSchema`). */
      readonly connectionString: string;
      readonly schema: string;
    };

export interface JobQueuesOptions {
  readonly backend: JobsBackendConfig;
  /**
   * How long a worker's hold on a job lasts without renewal. A worker killed mid-job (SIGKILL)
   * stops renewing it; after this long another worker takes the job up again.
   */
  readonly lockMs: number;
  /**
   * How long `close` waits for running jobs to finish before it lets go of them. A job let go
   * stalls and is taken up again by the next worker; its rows carry deterministic event ids, so
   * nothing is written twice. Default 10 s.
   */
  readonly closeGraceMs?: number;
}

/** What a processor is handed: the job's data and a way to report progress. */
export interface JobRun<Data> {
  readonly id: string;
  readonly kind: string;
  readonly data: Data;
  readonly submittedBy: JobSubmitter;
  /** 1 for the first run; more when the job is taken up again after a crash or a failure. */
  readonly attempt: number;
  /** Whether a failure of this run fails the job for good (every attempt used). */
  readonly lastAttempt: boolean;
  progress(done: number, total: number): Promise<void>;
}

export type JobProcessor<Data = unknown, Result = unknown> = (run: JobRun<Data>) => Promise<Result>;

export interface QueueDefinition<Data, Result> {
  readonly processor: JobProcessor<Data, Result>;
  /** Jobs of this queue one worker runs at once. */
  readonly concurrency?: number;
  /** Runs before the job is failed for good (a crash counts as a stall, see `stalledCountMax`). */
  readonly attempts?: number;
  /**
   * The wait before the second run; each further one doubles it. `jitter` (0 to 1) takes up to
   * that share off at random, so many jobs failing together do not all come back together.
   * Default 1 s, no jitter.
   */
  readonly backoff?: { readonly delayMs: number; readonly jitter?: number };
  /** How long a finished job stays readable. Default 30 days. */
  readonly keepFinishedSeconds?: number;
}

/** What the queue knows of one job's runs, free of BullMQ. */
export interface JobAttempts {
  readonly state: JobState;
  /** Runs that failed so far. */
  readonly failures: number;
  /** Why the last failed run failed. */
  readonly lastError?: string;
  /** What was submitted. */
  readonly payload: unknown;
}

interface StoredJobData {
  kind: string;
  submittedBy: JobSubmitter;
  payload: unknown;
}

/** A crashed worker's job is taken up again this many times before it is failed. */
export const stalledCountMax = 3;
const attemptsDefault = 3;
const closeGraceDefaultMs = 10_000;
// Kept this long so a submitter can still read a finished job's outcome, then removed.
const keepFinishedSeconds = 30 * 24 * 3600;

export class JobQueues {
  private readonly definitions = new Map<string, QueueDefinition<unknown, unknown>>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly queuesWithWorkers = new Set<string>();
  private readonly redisConnections: IORedis[] = [];
  private closed = false;

  constructor(private readonly options: JobQueuesOptions) {}

  get backendKind(): JobsBackendConfig['kind'] {
    return this.options.backend.kind;
  }

  define<Data, Result>(queue: string, definition: QueueDefinition<Data, Result>): void {
    if (!queueNamePattern.test(queue)) throw new RangeError(`bad queue name ${queue}`);
    if (this.definitions.has(queue)) throw new Error(`queue ${queue} is defined twice`);
    this.definitions.set(queue, definition as QueueDefinition<unknown, unknown>);
  }

  /** A new job id of `queue`, for a caller that records it before submitting the job. */
  newJobId(queue: string): string {
    if (!this.definitions.has(queue)) throw new UnknownQueueError(queue);
    return `${queue}.${randomUUID()}`;
  }

  /**
   * Adds a job and answers its id at once; the job runs on whichever worker takes it. A `jobId`
   * from `newJobId` submitted twice is one job (BullMQ ignores the second add).
   */
  async submit(
    queue: string,
    kind: string,
    payload: unknown,
    submittedBy: JobSubmitter,
    jobId: string = this.newJobId(queue),
  ): Promise<string> {
    const definition = this.definitions.get(queue);
    if (definition === undefined) throw new UnknownQueueError(queue);
    if (queueOfJobId(jobId) !== queue) throw new RangeError(`${jobId} is no job id of ${queue}`);
    const data: StoredJobData = {
      kind,
      submittedBy: { id: submittedBy.id, role: submittedBy.role, division: submittedBy.division },
      payload,
    };
    const options: JobsOptions = {
      jobId,
      attempts: definition.attempts ?? attemptsDefault,
      backoff: {
        type: 'exponential',
        delay: definition.backoff?.delayMs ?? 1_000,
        ...(definition.backoff?.jitter === undefined ? {} : { jitter: definition.backoff.jitter }),
      },
      removeOnComplete: { age: definition.keepFinishedSeconds ?? keepFinishedSeconds },
      removeOnFail: { age: definition.keepFinishedSeconds ?? keepFinishedSeconds },
    };
    await this.queue(queue).add(kind, data, options);
    return jobId;
  }

  /** The job as its submitter sees it, or undefined when no such job is kept. */
  async find(jobId: string): Promise<JobView | undefined> {
    const queueName = queueOfJobId(jobId);
    if (queueName === undefined || !this.definitions.has(queueName)) return undefined;
    const queue = this.queue(queueName);
    // The state first, then the job: read the other way round, a job finishing in between would
    // show as completed with the result it did not have yet.
    const state = toJobState(await queue.getJobState(jobId));
    if (state === undefined) return undefined;
    const job = (await queue.getJob(jobId)) as Job<StoredJobData> | undefined;
    if (job === undefined || job === null) return undefined;
    const finished = state === 'completed' || state === 'failed';
    return {
      id: jobId,
      queue: queueName,
      kind: job.data.kind,
      state,
      progress: progressOf(job.progress, state),
      attempts: job.attemptsStarted,
      ...(state === 'completed' ? { result: job.returnvalue as unknown } : {}),
      ...(state === 'failed' ? { error: job.failedReason } : {}),
      submittedBy: job.data.submittedBy,
      createdAt: new Date(job.timestamp).toISOString(),
      ...(job.processedOn ? { startedAt: new Date(job.processedOn).toISOString() } : {}),
      ...(finished && job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
    };
  }

  /** A job's state, failed runs and last error, or undefined when no such job is kept. */
  async attemptsOf(jobId: string): Promise<JobAttempts | undefined> {
    const queueName = queueOfJobId(jobId);
    if (queueName === undefined || !this.definitions.has(queueName)) return undefined;
    const queue = this.queue(queueName);
    const state = toJobState(await queue.getJobState(jobId));
    if (state === undefined) return undefined;
    const job = (await queue.getJob(jobId)) as Job<StoredJobData> | undefined;
    if (job === undefined || job === null) return undefined;
    return {
      state,
      failures: job.attemptsMade,
      ...(job.failedReason ? { lastError: job.failedReason } : {}),
      payload: job.data.payload,
    };
  }

  /** Resolves once the job is completed or failed for good (for the CLI and tests). */
  async waitUntilFinished(jobId: string, timeoutMs: number, pollMs = 100): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.find(jobId);
      if (view !== undefined && (view.state === 'completed' || view.state === 'failed'))
        return view;
      if (Date.now() > deadline) {
        throw new Error(`job ${jobId} not finished after ${timeoutMs} ms (${view?.state})`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Starts a worker for every defined queue that has none yet (RUN_WORKERS, or `sunlight
   * worker`); a queue defined later gets its worker from the next call.
   */
  async startWorkers(): Promise<void> {
    for (const [name, definition] of this.definitions) {
      if (this.queuesWithWorkers.has(name)) continue;
      this.queuesWithWorkers.add(name);
      const worker = this.makeWorker(name, (job) => definition.processor(toRun(job)), {
        concurrency: definition.concurrency ?? 1,
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.lockMs,
        maxStalledCount: stalledCountMax,
      });
      // A worker reports lost connections and the like here; without a listener they would
      // crash the process. The job itself records its failure.
      worker.on('error', () => undefined);
      this.workers.push(worker);
      await worker.waitUntilReady();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.workers.map((worker) => this.closeWorker(worker)));
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    await Promise.allSettled(this.redisConnections.map((redis) => redis.quit()));
  }

  /**
   * A worker's close waits for its running jobs, which may never end (a processor waiting on
   * something that is gone). So the worker is paused first, which stops it taking new jobs and
   * waits for the running ones, for at most the grace period; then it is closed by force (a
   * close already under way cannot be made forceful, hence the pause).
   */
  private async closeWorker(worker: Worker): Promise<void> {
    const graceMs = this.options.closeGraceMs ?? closeGraceDefaultMs;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    try {
      await Promise.race([worker.pause(), gaveUp]);
    } finally {
      clearTimeout(timer);
    }
    await worker.close(true);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      const backend = this.options.backend;
      queue =
        backend.kind === 'redis'
          ? new Queue(name, { connection: this.redis(backend.url), prefix: backend.prefix })
          : // The same class on another backend; typed apart only by its backend parameter.
            (new Queue(
              name,
              { connection: postgresConnection(backend) },
              createPostgresBackend,
            ) as unknown as Queue);
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private makeWorker(
    name: string,
    processor: (job: Job<StoredJobData>) => Promise<unknown>,
    options: Omit<WorkerOptions, 'connection'>,
  ): Worker {
    const backend = this.options.backend;
    if (backend.kind === 'redis') {
      return new Worker(name, processor, {
        ...options,
        connection: this.redis(backend.url),
        prefix: backend.prefix,
      });
    }
    return new Worker(
      name,
      processor,
      { ...options, connection: postgresConnection(backend) },
      createPostgresBackend,
    ) as unknown as Worker;
  }

  /** BullMQ's blocking commands need maxRetriesPerRequest null; closed by `close`. */
  private redis(url: string): IORedis {
    const redis = new IORedis(url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    this.redisConnections.push(redis);
    return redis;
  }
}

function postgresConnection(backend: Extract<JobsBackendConfig, { kind: 'postgres' }>) {
  // migrate false: the owner ran BullMQ's migrations (prepareJobsSchema); this login may only
  // use the tables, and a schema of another BullMQ version stops the start here.
  return {
    connectionString: backend.connectionString,
    schema: backend.schema,
    migrate: false,
    max: 4,
    application_name: 'sunlight-jobs',
  };
}

function toRun(job: Job<StoredJobData>): JobRun<unknown> {
  return {
    id: job.id ?? '',
    kind: job.data.kind,
    data: job.data.payload,
    submittedBy: job.data.submittedBy,
    // attemptsStarted counts runs a crash cut short too; this run is already counted.
    attempt: Math.max(1, job.attemptsStarted),
    // attemptsMade counts failed runs only: this run is the last when one more makes them all.
    lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    progress: (done, total) => job.updateProgress({ ...jobProgress(done, total) }),
  };
}

function toJobState(state: string): JobState | undefined {
  switch (state) {
    case 'completed':
    case 'failed':
    case 'active':
    case 'delayed':
      return state;
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    default:
      return undefined;
  }
}

function progressOf(progress: unknown, state: JobState): JobProgress {
  if (typeof progress === 'object' && progress !== null) {
    const { done, total } = progress as Partial<JobProgress>;
    if (typeof done === 'number' && typeof total === 'number') return jobProgress(done, total);
  }
  return state === 'completed' ? { percent: 100, done: 0, total: 0 } : jobProgress(0, 0);
}
