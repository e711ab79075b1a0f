import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GlobalPosition } from '@sunlight/event-store';
import type { ProjectionRunnerOptions } from '@sunlight/read-store';
import type { AppConfig } from '../config/app-config';

/** What a rebuild worker needs: plain data, since it crosses to another thread. */
export interface RebuildWorkerInput {
  /**
   * PostgreSQL holding the log (and the read models, unless they are on MongoDB), logged in as
   * the projections' role: a `DatabaseAccess`'s `projectorUrl`.
   */
  databaseUrl: string;
  readStore: Pick<AppConfig, 'readStore' | 'mongodbUrl'>;
  projection: string;
  /** Batch sizes; `catchUpBatchSizeMax` defaults to `rebuildBatchSizeMaxDefault`. */
  runner?: Pick<ProjectionRunnerOptions, 'batchSizeMax' | 'catchUpBatchSizeMax'>;
}

export type RebuildWorkerMessage =
  | { kind: 'progress'; applied: number; head: GlobalPosition | undefined }
  | { kind: 'done'; version: number; events: number; ms: number }
  | { kind: 'failed'; name: string; message: string };

export interface RebuildOutcome {
  projection: string;
  /** The storage version filled and now active. */
  version: number;
  events: number;
  ms: number;
}

export interface RebuildInWorkersOptions extends Omit<RebuildWorkerInput, 'projection'> {
  projections: readonly string[];
  onProgress?: (projection: string, applied: number, head: GlobalPosition | undefined) => void;
  /** The compiled worker script; the default sits beside this file (tests run from sources). */
  workerFile?: string;
}

/**
 * Events per batch while rebuilding, unless the caller says otherwise. A batch writes each
 * document it changed once, so larger batches rewrite the busy documents (a province's, a
 * payment approved soon after its request) less often. The app's catch-up size stays small so
 * the HTTP thread is never blocked long; a worker has no such constraint. Larger batches than
 * this saved no CPU for much more memory (docs/performance.md).
 */
export const rebuildBatchSizeMaxDefault = 30_000;

/** The error a worker reported, under its own name, so the CLI prints it as it would in-process. */
export class RebuildFailedError extends Error {
  constructor(
    readonly projection: string,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/**
 * Rebuilds each projection in a worker thread of its own, all at once: a rebuild is one thread
 * applying events, and two on one thread only add up. On the 2-core reference machine
 * PostgreSQL needed under a quarter of a core for both, so each worker gets most of one.
 * Resolves with one settled result per projection, in order; a projection that fails does not
 * stop the others (its old version keeps serving).
 */
export function rebuildInWorkers(
  options: RebuildInWorkersOptions,
): Promise<PromiseSettledResult<RebuildOutcome>[]> {
  const workerFile = options.workerFile ?? path.join(__dirname, 'rebuild.worker.js');
  return Promise.allSettled(
    options.projections.map(
      (projection) =>
        new Promise<RebuildOutcome>((resolve, reject) => {
          const input: RebuildWorkerInput = {
            databaseUrl: options.databaseUrl,
            readStore: {
              readStore: options.readStore.readStore,
              ...(options.readStore.mongodbUrl === undefined
                ? {}
                : { mongodbUrl: options.readStore.mongodbUrl }),
            },
            projection,
            runner: { catchUpBatchSizeMax: rebuildBatchSizeMaxDefault, ...options.runner },
          };
          const worker = new Worker(workerFile, { workerData: input });
          let settled = false;
          const settle = (outcome: { value: RebuildOutcome } | { error: Error }) => {
            if (settled) return;
            settled = true;
            if ('value' in outcome) resolve(outcome.value);
            else reject(outcome.error);
            // The worker closes its connections before reporting; anything left is cut off.
            void worker.terminate();
          };
          worker.on('message', (message: RebuildWorkerMessage) => {
            if (message.kind === 'progress')
              options.onProgress?.(projection, message.applied, message.head);
            else if (message.kind === 'done')
              settle({
                value: {
                  projection,
                  version: message.version,
                  events: message.events,
                  ms: message.ms,
                },
              });
            else
              settle({ error: new RebuildFailedError(projection, message.name, message.message) });
          });
          worker.on('error', (error) => settle({ error }));
          worker.on('exit', (code) =>
            settle({
              error: new RebuildFailedError(
                projection,
                'Error',
                `the rebuild worker of ${projection} exited (code ${code}) before finishing`,
              ),
            }),
          );
        }),
    ),
  );
}
