import type { ProjectionCommit, ProjectionRunnerSnapshot } from '@sunlight/read-store';
import type { AppConfig } from '../config/app-config';

/**
 * How to start the projections' worker thread. A worker thread runs JavaScript files only: the
 * app's is compiled beside this file; tests that run the app from its TypeScript sources pass a
 * loader script and the source file as its argument.
 */
export interface ProjectionsWorkerScript {
  file: string;
  argv?: string[];
}

/** What the worker thread needs: plain data, since it crosses to another thread. */
export interface ProjectionsWorkerInput {
  /** The log and the PostgreSQL read store, logged in as the projections' role. */
  databaseUrl: string;
  readStore: Pick<AppConfig, 'readStore' | 'mongodbUrl'>;
  /** Connections of each of the worker's two pools (the log's and the read store's). */
  poolSize: number;
}

export interface ThreadError {
  name: string;
  message: string;
}

/** Parent → worker. Each is answered by one `reply` with the same id. */
export type ProjectionsThreadRequest =
  | { kind: 'start'; id: number; projection: string; version: number }
  | { kind: 'stop'; id: number; projection: string }
  | { kind: 'close'; id: number };

/** Worker → parent. */
export type ProjectionsThreadMessage =
  /** The connections are open (or could not be: `error`). */
  | { kind: 'ready'; error?: ThreadError }
  | { kind: 'reply'; id: number; error?: ThreadError }
  /** Sent after every committed batch, before the snapshot that shows its position. */
  | { kind: 'committed'; commit: ProjectionCommit }
  /** Sent whenever a runner's state, position or failures change. */
  | { kind: 'snapshot'; snapshot: ProjectionRunnerSnapshot }
  | { kind: 'log'; level: 'info' | 'error'; message: string; fields?: Record<string, unknown> };
