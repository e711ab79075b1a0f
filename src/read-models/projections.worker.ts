/**
 * The live projection runners of an instance that keeps the read models, in a worker thread of
 * their own (see projections-thread.ts): catching up, applying events and writing documents
 * never hold up the thread that answers HTTP. It opens its own connections as the projections'
 * role, starts and stops runners when its parent asks, and sends a runner's snapshot whenever it
 * changes. Which version to run is the parent's decision (its supervisor), never this thread's.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { PostgresEventStore, projectorRoleName } from '@sunlight/event-store/postgres';
import { loadDivisionRegistry } from '@sunlight/geo';
import { ProjectionRunner, type Projection, type ReadStore } from '@sunlight/read-store';
import { appProjections } from './app-projections';
import { openReadStore } from './open-read-store';
import type {
  ProjectionsThreadMessage,
  ProjectionsThreadRequest,
  ProjectionsWorkerInput,
  ThreadError,
} from './projections-thread.protocol';

class ProjectionsHost {
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly projections: ReadonlyMap<string, Projection>;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly readStore: ReadStore,
    private readonly post: (message: ProjectionsThreadMessage) => void,
  ) {
    this.projections = new Map(
      appProjections(loadDivisionRegistry()).map((projection) => [projection.name, projection]),
    );
  }

  async handle(request: ProjectionsThreadRequest): Promise<void> {
    switch (request.kind) {
      case 'start':
        return this.start(request.projection, request.version);
      case 'stop':
        return this.stop(request.projection);
      case 'close':
        await Promise.all([...this.runners.keys()].map((name) => this.stop(name)));
        await Promise.allSettled([this.readStore.close(), this.store.close()]);
        return;
    }
  }

  private async start(name: string, version: number): Promise<void> {
    const projection = this.projections.get(name);
    if (projection === undefined) throw new Error(`no projection named ${name}`);
    if (this.runners.has(name)) throw new Error(`projection ${name} already runs in this thread`);
    const log = (level: 'info' | 'error') => (message: string, fields?: Record<string, unknown>) =>
      this.post({ kind: 'log', level, message, ...(fields === undefined ? {} : { fields }) });
    const runner: ProjectionRunner = new ProjectionRunner({
      store: this.store,
      readStore: this.readStore,
      projection: { ...projection, version },
      headPosition: () => this.store.headPosition(),
      logger: { info: log('info'), error: log('error') },
      onCommitted: (commit) => this.post({ kind: 'committed', commit }),
      onChange: () => this.post({ kind: 'snapshot', snapshot: runner.snapshot() }),
    });
    this.runners.set(name, runner);
    try {
      await runner.start();
    } catch (error) {
      this.runners.delete(name);
      throw error;
    }
  }

  private async stop(name: string): Promise<void> {
    const runner = this.runners.get(name);
    if (runner === undefined) return;
    await runner.stop();
    this.runners.delete(name);
    this.post({ kind: 'snapshot', snapshot: runner.snapshot() });
  }
}

function threadError(error: unknown): ThreadError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

async function open(input: ProjectionsWorkerInput): Promise<[PostgresEventStore, ReadStore]> {
  // The parent prepared the database as its owner; here the projections' role does the work.
  const store = await PostgresEventStore.open({
    connectionString: input.databaseUrl,
    role: projectorRoleName,
    migrate: false,
    poolSize: input.poolSize,
  });
  try {
    await store.ping();
    return [store, await openReadStore(input.readStore, input.databaseUrl, input.poolSize)];
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

function serve(port: MessagePort, input: ProjectionsWorkerInput): void {
  const post = (message: ProjectionsThreadMessage) => port.postMessage(message);
  // Requests that arrive while the connections open wait for them.
  const opened = open(input).then(
    ([store, readStore]) => new ProjectionsHost(store, readStore, post),
  );
  opened.then(
    () => post({ kind: 'ready' }),
    (error: unknown) => post({ kind: 'ready', error: threadError(error) }),
  );
  port.on('message', (request: ProjectionsThreadRequest) => {
    opened
      .then((host) => host.handle(request))
      .then(
        () => post({ kind: 'reply', id: request.id }),
        (error: unknown) => post({ kind: 'reply', id: request.id, error: threadError(error) }),
      );
  });
}

if (parentPort) serve(parentPort, workerData as ProjectionsWorkerInput);
