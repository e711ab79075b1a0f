import { Worker } from 'node:worker_threads';
import type { GlobalPosition } from '@sunlight/event-store';
import {
  statusOfSnapshot,
  type ProjectionCommit,
  type ProjectionRunnerLogger,
  type ProjectionRunnerSnapshot,
  type ProjectionStatus,
} from '@sunlight/read-store';
import { DocumentChanges } from './document-changes';
import type {
  ProjectionsThreadMessage,
  ProjectionsThreadRequest,
  ProjectionsWorkerInput,
  ProjectionsWorkerScript,
  ThreadError,
} from './projections-thread.protocol';

/** How long closing may take before the thread is cut off (the runners finish a batch first). */
const closeTimeoutMs = 20_000;

/** What the supervisor needs of a live runner, wherever it runs. */
export interface LiveProjectionRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<ProjectionStatus>;
  /** The version and committed checkpoint while live, without I/O; undefined otherwise. */
  livePosition(): { version: number; position: GlobalPosition | undefined } | undefined;
  whenCaughtUp(): Promise<void>;
  /** While live, a token that moves whenever the document does (see `DocumentChanges`). */
  documentToken(collection: string, id: string): string | undefined;
}

/** An error from the worker thread, under the name it had there. */
export class ProjectionsThreadError extends Error {
  constructor({ name, message }: ThreadError) {
    super(message);
    this.name = name;
  }
}

/**
 * The worker thread that runs an instance's projections (projections.worker.ts), seen from the
 * thread that serves HTTP. It starts on the first runner's start; when it ends unexpectedly,
 * every runner in it reports `stopped` with the reason, and the next start begins a new thread.
 */
export class ProjectionsThread {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly replies = new Map<
    number,
    { resolve: () => void; reject: (error: Error) => void }
  >();
  private readonly runners = new Map<string, ThreadedProjectionRunner>();

  constructor(
    private readonly script: ProjectionsWorkerScript,
    private readonly input: ProjectionsWorkerInput,
    private readonly logger: ProjectionRunnerLogger,
    private readonly headPosition: () => Promise<GlobalPosition | undefined>,
  ) {}

  /** A runner of `projection` at storage `version` in the thread, not started yet. */
  runner(projection: string, version: number): LiveProjectionRunner {
    const runner = new ThreadedProjectionRunner(this, projection, version, this.headPosition);
    this.runners.set(projection, runner);
    return runner;
  }

  /**
   * Sends a request and resolves with its reply. Only `start` begins a thread: stopping a runner
   * or closing a thread that is not running has nothing to do.
   */
  async request(request: DistributiveOmit<ProjectionsThreadRequest, 'id'>): Promise<void> {
    if (request.kind === 'start') await this.started();
    else if (this.ready === undefined) return;
    else await this.ready.catch(() => undefined);
    const worker = this.worker;
    if (worker === undefined) return;
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  /** Stops every runner, closes the thread's connections, and ends the thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, closeTimeoutMs).unref());
    await Promise.race([this.request({ kind: 'close' }).catch(() => undefined), timeout]);
    await worker.terminate();
  }

  private started(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    const worker = new Worker(this.script.file, {
      workerData: this.input,
      ...(this.script.argv === undefined ? {} : { argv: this.script.argv }),
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: ProjectionsThreadMessage) => {
        if (message.kind === 'ready') {
          if (message.error === undefined) resolve();
          else reject(new ProjectionsThreadError(message.error));
        } else this.receive(message);
      });
      worker.on('error', (error) => {
        reject(error);
        this.ended(worker, `the projections thread failed: ${error.name}: ${error.message}`);
      });
      worker.on('exit', (code) => {
        const reason = `the projections thread exited (code ${code})`;
        reject(new Error(reason));
        this.ended(worker, reason);
      });
    });
    // A thread that could not open its connections is of no use; the next start tries anew.
    this.ready.catch((error: unknown) => {
      this.ended(worker, `the projections thread could not start: ${String(error)}`);
      void worker.terminate();
    });
    return this.ready;
  }

  private receive(message: Exclude<ProjectionsThreadMessage, { kind: 'ready' }>): void {
    switch (message.kind) {
      case 'reply': {
        const reply = this.replies.get(message.id);
        this.replies.delete(message.id);
        if (message.error === undefined) reply?.resolve();
        else reply?.reject(new ProjectionsThreadError(message.error));
        return;
      }
      case 'committed':
        this.runners.get(message.commit.projection)?.recordCommit(message.commit);
        return;
      case 'snapshot':
        this.runners.get(message.snapshot.projection)?.update(message.snapshot);
        return;
      case 'log':
        this.logger[message.level](message.message, message.fields);
        return;
    }
  }

  private ended(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    const replies = [...this.replies.values()];
    this.replies.clear();
    for (const reply of replies) reply.reject(new Error(reason));
    for (const runner of this.runners.values()) runner.threadEnded(reason);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A runner in the projections thread, answering from the last snapshot the thread sent. */
class ThreadedProjectionRunner implements LiveProjectionRunner {
  private snapshot: ProjectionRunnerSnapshot;
  private readonly changes: DocumentChanges;
  private caughtUpWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly thread: ProjectionsThread,
    private readonly projection: string,
    private readonly version: number,
    private readonly headPosition: () => Promise<GlobalPosition | undefined>,
  ) {
    this.changes = new DocumentChanges(version);
    this.snapshot = {
      projection,
      version,
      state: 'idle',
      position: undefined,
      eventsApplied: 0,
      pendingEvents: 0,
      lastRecordedAtMs: undefined,
      lastError: undefined,
      failures: 0,
      failedPosition: undefined,
    };
  }

  async start(): Promise<void> {
    await this.thread.request({
      kind: 'start',
      projection: this.projection,
      version: this.version,
    });
  }

  async stop(): Promise<void> {
    try {
      await this.thread.request({ kind: 'stop', projection: this.projection });
    } finally {
      if (this.snapshot.state !== 'retired') this.update({ ...this.snapshot, state: 'stopped' });
    }
  }

  async status(): Promise<ProjectionStatus> {
    const head = await this.headPosition().catch(() => undefined);
    return statusOfSnapshot(this.snapshot, head);
  }

  livePosition(): { version: number; position: GlobalPosition | undefined } | undefined {
    return this.snapshot.state === 'live'
      ? { version: this.version, position: this.snapshot.position }
      : undefined;
  }

  whenCaughtUp(): Promise<void> {
    const { state } = this.snapshot;
    if (state === 'live') return Promise.resolve();
    if (state === 'stopped' || state === 'retired')
      return Promise.reject(
        new Error(this.snapshot.lastError ?? `projection ${this.projection} is ${state}`),
      );
    return new Promise((resolve, reject) => this.caughtUpWaiters.push({ resolve, reject }));
  }

  documentToken(collection: string, id: string): string | undefined {
    return this.snapshot.state === 'live' ? this.changes.token(collection, id) : undefined;
  }

  recordCommit(commit: ProjectionCommit): void {
    if (commit.version === this.version) this.changes.record(commit);
  }

  update(snapshot: ProjectionRunnerSnapshot): void {
    // A snapshot of an earlier runner of this projection (another version) is not this one's.
    if (snapshot.version !== this.version) return;
    this.snapshot = snapshot;
    if (snapshot.state === 'live') this.settleCaughtUp();
    else if (snapshot.state === 'stopped' || snapshot.state === 'retired')
      this.settleCaughtUp(
        new Error(snapshot.lastError ?? `projection ${this.projection} is ${snapshot.state}`),
      );
  }

  threadEnded(reason: string): void {
    const { state } = this.snapshot;
    if (state === 'stopped' || state === 'retired' || state === 'idle') return;
    this.update({ ...this.snapshot, state: 'stopped', lastError: reason });
  }

  private settleCaughtUp(error?: unknown): void {
    const waiters = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
