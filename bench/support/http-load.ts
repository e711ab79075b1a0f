import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** One request of the mix; `kind` groups latencies in the report (e.g. `township`, `children`). */
export interface LoadRequest {
  path: string;
  kind: string;
}

export interface LoadWorkerInput {
  port: number;
  token: string;
  requests: LoadRequest[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Stop after this many requests (all clients together), if sooner than `durationMs`. */
  requestsMax?: number;
}

export interface LoadWorkerOutput {
  measuredMs: number;
  errors: number;
  statuses: Record<string, number>;
  /** Milliseconds per request, by kind, in completion order. */
  latencies: Record<string, number[]>;
  /** Body bytes received per kind, over the measured requests. */
  bodyBytes: Record<string, number>;
}

/**
 * Drives the app with a closed-loop keep-alive load from a worker thread, so the client's own
 * event loop is not the one doing the measuring's bookkeeping (autocannon is not installed, and
 * no dependency is added for this).
 */
export function runHttpLoad(input: LoadWorkerInput): Promise<LoadWorkerOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'http-load.worker.js'), { workerData: input });
    worker.once(
      'message',
      (message: { ok: true; output: LoadWorkerOutput } | { ok: false; error: string }) => {
        if (message.ok) resolve(message.output);
        else reject(new Error(`load generator failed: ${message.error}`));
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}
