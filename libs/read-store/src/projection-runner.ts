import type { GlobalPosition } from '@sunlight/event-store';
import {
  ProjectionApplyError,
  ProjectionVersionActiveError,
  ProjectionVersionRetiredError,
} from './errors';
import type { Projection } from './projection';
import { ProjectionPass, type BatchSettings } from './projection-pass';
import {
  resolveBatchSettings,
  retryDelayMsMaxDefault,
  retryDelayMsMinDefault,
  statusOfSnapshot,
  type ProjectionRunnerLogger,
  type ProjectionRunnerSnapshot,
  type ProjectionRunnerOptions,
  type ProjectionRunnerState,
  type ProjectionStatus,
  type RebuildOptions,
} from './projection-runner-options';

export {
  batchSizeMaxLimit,
  numericDistance,
  stalledFailuresMin,
  statusOfSnapshot,
  type ProjectionCommit,
  type ProjectionProgress,
  type ProjectionRunnerSnapshot,
  type ProjectionRunnerLogger,
  type ProjectionRunnerOptions,
  type ProjectionRunnerState,
  type ProjectionStatus,
  type RebuildOptions,
} from './projection-runner-options';

/** How often a rebuild asks for the log head to report progress against. */
const headRefreshMs = 1_000;

const silentLogger: ProjectionRunnerLogger = { info: () => undefined, error: () => undefined };

/**
 * Runs one projection: reads the log from the projection version's checkpoint, gathers events
 * into batches (at most `batchSizeMax` events, or what arrived within `batchWaitMs` of the
 * first), loads the documents they touch with one `getMany`, applies the events in order
 * (skipping an event a document already contains), and commits the changed documents with the
 * new checkpoint. A filtered subscription's checkpoints commit as batches without documents, so
 * a projection whose events are rare still advances.
 *
 * `start()` runs live until `stop()`. When the projection's version is not the active one yet
 * (a first deployment, or a new version beside the old), it fills that version while the
 * active one keeps serving, and activates it on catching up. `rebuild()` does the same from an
 * emptied version, and returns once it is active. A failure in live mode is logged and retried
 * from the last checkpoint with back-off; a retired version (a newer one was activated) stops.
 */
export class ProjectionRunner {
  private readonly projection: Projection;
  private readonly liveSettings: BatchSettings;
  /** Larger batches until the first `caughtUp`; see `catchUpBatchSizeMax`. */
  private readonly catchUpSettings: BatchSettings;
  private readonly checkpointInterval: number;
  private readonly logger: ProjectionRunnerLogger;
  private currentState: ProjectionRunnerState = 'idle';
  private position: GlobalPosition | undefined;
  private eventsApplied = 0;
  private pendingEvents = 0;
  private lastRecordedAt: Date | undefined;
  private lastError: unknown;
  /** Failed attempts since the last committed batch, and the event to blame for the last one. */
  private failures = 0;
  private failedPosition: GlobalPosition | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private caughtUpWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  private get state(): ProjectionRunnerState {
    return this.currentState;
  }

  private set state(state: ProjectionRunnerState) {
    this.currentState = state;
    this.options.onChange?.();
  }

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.projection = options.projection;
    ({
      live: this.liveSettings,
      catchUp: this.catchUpSettings,
      checkpointInterval: this.checkpointInterval,
    } = resolveBatchSettings(options));
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Starts the live loop and returns once it runs. Rejects with `ProjectionVersionRetiredError`
   * when a newer version of the projection is already active.
   */
  async start(): Promise<void> {
    const controller = this.claim();
    const { name, version } = this.projection;
    let active: number | undefined;
    try {
      active = await this.options.readStore.activeVersion(name);
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(name, version, active);
    } catch (error) {
      this.controller = undefined;
      throw error;
    }
    this.eventsApplied = 0;
    this.lastError = undefined;
    this.state = 'catchingUp';
    this.logger.info('projection starting', { projection: name, version, activeVersion: active });
    this.running = this.runLive(controller.signal, active !== version);
  }

  /** Stops reading; a batch being committed finishes first. Resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
    this.controller = undefined;
    if (this.state !== 'retired') this.state = 'stopped';
    this.settleCaughtUp(new Error(`projection ${this.projection.name} stopped before catching up`));
  }

  /** Resolves when the live runner first catches up with the log (and has activated its version). */
  whenCaughtUp(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.state === 'stopped' || this.state === 'retired') {
      return Promise.reject(
        this.lastError ?? new Error(`projection ${this.projection.name} is ${this.state}`),
      );
    }
    return new Promise((resolve, reject) => this.caughtUpWaiters.push({ resolve, reject }));
  }

  /**
   * Rebuilds `projection.version` from the start of the log beside the active version, then
   * activates it (which drops the older versions). The version must be newer than the active
   * one: a projection whose meaning changed gets a new version.
   */
  async rebuild(options: RebuildOptions = {}): Promise<{ events: number; ms: number }> {
    const controller = this.claim();
    const { name, version } = this.projection;
    const startedMs = performance.now();
    let active: number | undefined;
    try {
      active = await this.options.readStore.activeVersion(name);
      if (active === version)
        throw new ProjectionVersionActiveError(
          name,
          version,
          'rebuild it in place; give the projection a new version',
        );
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(name, version, active);
      await this.options.readStore.dropVersion(name, version);
    } catch (error) {
      this.controller = undefined;
      throw error;
    }
    this.eventsApplied = 0;
    this.lastError = undefined;
    this.state = 'rebuilding';
    this.logger.info('projection rebuild starting', {
      projection: name,
      version,
      activeVersion: active,
    });
    let head = await this.options.headPosition?.();
    let headReadMs = performance.now();
    const report = () => {
      if (!options.onProgress) return;
      if (this.options.headPosition && performance.now() - headReadMs >= headRefreshMs) {
        headReadMs = performance.now();
        void this.options.headPosition().then(
          (latest) => (head = latest),
          () => undefined,
        );
      }
      options.onProgress(this.eventsApplied, head);
    };
    const work = (async () => {
      const finished = await this.consume(controller.signal, true, report);
      if (!finished) throw new Error(`rebuild of ${name} version ${version} was stopped`);
      await this.options.readStore.activateVersion(name, version);
    })();
    this.running = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      await work;
    } catch (error) {
      this.lastError = error;
      throw error;
    } finally {
      this.running = undefined;
      this.controller = undefined;
      this.state = 'idle';
    }
    this.logger.info('projection rebuilt and activated', {
      projection: name,
      version,
      events: this.eventsApplied,
    });
    return { events: this.eventsApplied, ms: performance.now() - startedMs };
  }

  /**
   * Where the live runner stands, without I/O: its version and committed checkpoint while it is
   * live (its version then is the active one, unless a rebuild elsewhere has just retired it),
   * undefined in every other state.
   */
  livePosition(): { version: number; position: GlobalPosition | undefined } | undefined {
    return this.state === 'live'
      ? { version: this.projection.version, position: this.position }
      : undefined;
  }

  async status(): Promise<ProjectionStatus> {
    let head: GlobalPosition | undefined;
    try {
      head = await this.options.headPosition?.();
    } catch {
      head = undefined;
    }
    return statusOfSnapshot(this.snapshot(), head);
  }

  /** Where the runner stands, as plain data (see `statusOfSnapshot`). */
  snapshot(): ProjectionRunnerSnapshot {
    return {
      projection: this.projection.name,
      version: this.projection.version,
      state: this.state,
      position: this.position,
      eventsApplied: this.eventsApplied,
      pendingEvents: this.pendingEvents,
      lastRecordedAtMs: this.lastRecordedAt?.getTime(),
      lastError: this.lastError === undefined ? undefined : errorMessage(this.lastError),
      failures: this.failures,
      failedPosition: this.failedPosition,
    };
  }

  /** Marks the runner busy before its first await, so two calls cannot both start it. */
  private claim(): AbortController {
    if (this.controller && !this.controller.signal.aborted)
      throw new Error(`projection ${this.projection.name} is already running`);
    this.controller = new AbortController();
    return this.controller;
  }

  private async runLive(signal: AbortSignal, activateWhenCaughtUp: boolean): Promise<void> {
    const { name, version } = this.projection;
    const retryDelayMsMin = this.options.retryDelayMsMin ?? retryDelayMsMinDefault;
    const retryDelayMsMax = this.options.retryDelayMsMax ?? retryDelayMsMaxDefault;
    this.failures = 0;
    this.failedPosition = undefined;
    let activate = activateWhenCaughtUp;
    while (!signal.aborted) {
      try {
        this.state = 'catchingUp';
        await this.consume(
          signal,
          false,
          () => {
            this.failures = 0;
            this.failedPosition = undefined;
            this.reportLive();
          },
          async () => {
            if (activate) {
              await this.options.readStore.activateVersion(name, version);
              activate = false;
              this.logger.info('projection version activated', { projection: name, version });
            }
            this.state = 'live';
            this.settleCaughtUp();
          },
        );
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.lastError = error;
        if (error instanceof ProjectionVersionRetiredError) {
          this.state = 'retired';
          // A rebuild elsewhere activated a newer version: routine, and the supervisor follows it.
          this.logger.info('projection version retired by a newer one; stopping', {
            projection: name,
            version,
            error: errorMessage(error),
          });
          this.settleCaughtUp(error);
          return;
        }
        this.failures += 1;
        this.failedPosition = error instanceof ProjectionApplyError ? error.position : undefined;
        const failures = this.failures;
        const delayMs = Math.min(
          retryDelayMsMax,
          retryDelayMsMin * 2 ** Math.min(failures - 1, 16),
        );
        this.state = 'retrying';
        this.logger.error('projection failed; retrying from its checkpoint', {
          projection: name,
          version,
          failures,
          ...(this.failedPosition === undefined ? {} : { failedPosition: this.failedPosition }),
          delayMs,
          error: errorMessage(error),
        });
        await sleep(delayMs, signal);
      }
    }
  }

  private reportLive(): void {
    this.options.onProgress?.({
      projection: this.projection.name,
      version: this.projection.version,
      position: this.position,
      eventsApplied: this.eventsApplied,
    });
  }

  /**
   * One pass over the log from the version's checkpoint (see `ProjectionPass`). Returns true
   * after the first `caughtUp` when `untilCaughtUp`, false when the signal ended it; throws what
   * failed.
   */
  private async consume(
    signal: AbortSignal,
    untilCaughtUp: boolean,
    onCommitted: () => void,
    onCaughtUp?: () => Promise<void>,
  ): Promise<boolean> {
    const { name, version } = this.projection;
    const checkpoint = await this.options.readStore.checkpoint(name, version);
    this.position = checkpoint.position;
    this.pendingEvents = 0;
    const pass = new ProjectionPass({
      store: this.options.store,
      readStore: this.options.readStore,
      projection: this.projection,
      from: checkpoint.position,
      catchUp: this.catchUpSettings,
      live: this.liveSettings,
      checkpointInterval: this.checkpointInterval,
      untilCaughtUp,
      signal,
      observer: {
        received: () => {
          this.pendingEvents += 1;
        },
        committed: (position, events, changedKeys) => {
          const previousPosition = this.position;
          this.position = position;
          const last = events[events.length - 1];
          if (last !== undefined) {
            this.eventsApplied += events.length;
            this.pendingEvents = Math.max(0, this.pendingEvents - events.length);
            this.lastRecordedAt = last.recordedAt;
          }
          onCommitted();
          this.options.onCommitted?.({
            projection: this.projection.name,
            version: this.projection.version,
            previousPosition,
            position,
            changedKeys,
          });
          this.options.onChange?.();
        },
        caughtUp: async () => {
          await onCaughtUp?.();
        },
      },
    });
    try {
      return await pass.run();
    } finally {
      this.pendingEvents = 0;
    }
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
