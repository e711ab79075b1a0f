import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  numericDistance,
  READ_STORE,
  type Projection,
  type ProjectionStatus,
  type ReadStore,
} from '@sunlight/read-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { DatabaseAccess } from '../database/database-access';
import { DATABASE_ACCESS, PROJECTOR_EVENT_STORE, type AppEventStore } from '../event-store.tokens';
import { liveStorageVersion } from './projection-versions';
import { ProjectionsThread, type LiveProjectionRunner } from './projections-thread';
import type { ProjectionsWorkerScript } from './projections-thread.protocol';
import { PROJECTIONS, PROJECTIONS_WORKER_SCRIPT } from './read-models.tokens';

/** How often the supervisor looks for runners retired by a rebuild elsewhere. */
const superviseIntervalMs = 5_000;
/**
 * Connections of each of the projections thread's pools: its runners read the log and write
 * one batch at a time each, and the thread's LISTEN connection comes on top.
 */
const threadPoolSizeMax = 4;

/**
 * Runs every projection live in this process, in a worker thread of their own
 * (projections.worker.ts), so that catching up and applying events never hold up the thread
 * that answers HTTP; which version each runs is decided here. When a rebuild
 * (`sunlight projections rebuild`) activates a newer generation, the runner of the old one
 * retires; the supervisor then starts a runner on the active generation, so the app follows the
 * switch without a restart. A runner that stopped on its own (its thread ended) is started again.
 */
@Injectable()
export class ProjectionsSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly runners = new Map<string, LiveProjectionRunner>();
  private readonly thread: ProjectionsThread;
  /** Projections whose runner could not be restarted after a switch: retried every tick, reported as stopped. */
  private readonly restartFailures = new Map<string, { version: number; error: string }>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private supervising = false;

  constructor(
    @Inject(PROJECTOR_EVENT_STORE) private readonly store: AppEventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_ACCESS) access: DatabaseAccess,
    @Inject(PROJECTIONS_WORKER_SCRIPT) script: ProjectionsWorkerScript,
  ) {
    this.thread = new ProjectionsThread(
      script,
      {
        databaseUrl: access.projectorUrl,
        readStore: {
          readStore: config.readStore,
          ...(config.mongodbUrl === undefined ? {} : { mongodbUrl: config.mongodbUrl }),
        },
        poolSize: Math.min(config.pgPoolSize, threadPoolSizeMax),
      },
      {
        info: (message, context) => this.logger.log(`${message} ${JSON.stringify(context ?? {})}`),
        error: (message, context) =>
          this.logger.error(`${message} ${JSON.stringify(context ?? {})}`),
      },
      () => this.store.headPosition(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runProjections) {
      this.logger.log('RUN_PROJECTIONS=false: another instance keeps the read models');
      return;
    }
    for (const projection of this.projections) await this.startRunner(projection);
    this.timer = setInterval(() => void this.supervise(), superviseIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    await this.thread.close();
  }

  async statuses(): Promise<ProjectionStatus[]> {
    if (!this.config.runProjections) return this.followedStatuses();
    const running = await Promise.all([...this.runners.values()].map((runner) => runner.status()));
    const failed = [...this.restartFailures].map(
      ([projection, { version, error }]): ProjectionStatus => ({
        projection,
        version,
        state: 'stopped',
        position: undefined,
        eventsApplied: 0,
        lastError: error,
      }),
    );
    return [...running, ...failed];
  }

  /**
   * On an instance that keeps no read models, how far the ones it serves are behind: the active
   * version's checkpoint in the read store, against the log head.
   */
  private async followedStatuses(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition().catch(() => undefined);
    return Promise.all(
      this.projections.map(async (projection): Promise<ProjectionStatus> => {
        const version = (await this.readStore.activeVersion(projection.name)) ?? 0;
        const { position } =
          version === 0
            ? { position: undefined }
            : await this.readStore.checkpoint(projection.name, version);
        const lagEvents = numericDistance(head, position);
        return {
          projection: projection.name,
          version,
          state: 'followed',
          position,
          ...(head === undefined ? {} : { headPosition: head }),
          ...(lagEvents === undefined ? {} : { lagEvents }),
          eventsApplied: 0,
        };
      }),
    );
  }

  /** The live runner's position of a projection in this process, if it has one. */
  livePosition(projection: string): { version: number; position: string | undefined } | undefined {
    return this.runners.get(projection)?.livePosition();
  }

  /** A token of one document of a projection's live runner here (see `DocumentChanges`). */
  documentToken(projection: string, collection: string, id: string): string | undefined {
    return this.runners.get(projection)?.documentToken(collection, id);
  }

  /** Resolves once every projection has caught up with the log at least once. */
  async whenCaughtUp(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.whenCaughtUp()));
  }

  private async startRunner(projection: Projection): Promise<void> {
    const active = await this.readStore.activeVersion(projection.name);
    const version = liveStorageVersion(projection.version, active);
    if (version === 'retired') {
      this.logger.error(
        `projection ${projection.name} v${projection.version} is older than the active version ${active}; not running it`,
      );
      return;
    }
    const runner = this.thread.runner(projection.name, version);
    await runner.start();
    this.runners.set(projection.name, runner);
  }

  private async supervise(): Promise<void> {
    // A tick slower than the interval (a read store that hangs) must not start a second runner.
    if (this.stopping || this.supervising) return;
    this.supervising = true;
    try {
      for (const projection of this.projections) {
        // One projection's trouble (a read store that fails a look) must not stop the others'.
        await this.superviseOne(projection).catch((error: unknown) =>
          this.logger.warn(`could not look after projection ${projection.name}: ${String(error)}`),
        );
      }
    } finally {
      this.supervising = false;
    }
  }

  private async superviseOne(projection: Projection): Promise<void> {
    const runner = this.runners.get(projection.name);
    if (runner === undefined) {
      const failure = this.restartFailures.get(projection.name);
      if (failure !== undefined) await this.restart(projection, failure.version);
      return;
    }
    const status = await runner.status();
    // An idle live runner learns of a rebuild only when it next commits; the active version says
    // so now. (One catching up commits soon and learns it then.)
    const active =
      status.state === 'live' ? await this.readStore.activeVersion(projection.name) : undefined;
    const superseded = active !== undefined && active > status.version;
    // Stopped without being asked: its thread ended (the reason is its last error).
    const ended = status.state === 'stopped';
    if ((status.state !== 'retired' && !superseded && !ended) || this.stopping) return;
    await runner.stop();
    this.runners.delete(projection.name);
    if (ended)
      this.logger.error(
        `projection ${projection.name} stopped (${status.lastError ?? 'no reason given'}); starting it again`,
      );
    else
      this.logger.log(
        `projection ${projection.name} switched generation; following the active one`,
      );
    await this.restart(projection, status.version);
  }

  /** Starts a runner on the active generation; on failure, the next tick tries again. */
  private async restart(projection: Projection, previousVersion: number): Promise<void> {
    if (this.stopping) return;
    try {
      await this.startRunner(projection);
      this.restartFailures.delete(projection.name);
    } catch (error) {
      this.restartFailures.set(projection.name, { version: previousVersion, error: String(error) });
      this.logger.error(
        `could not restart projection ${projection.name}; trying again in ${superviseIntervalMs / 1000} s: ${String(error)}`,
      );
    }
  }
}
