/**
 * The HTTP load generator, run in a worker thread (see `http-load.ts`): `concurrency` clients on
 * keep-alive connections, each sending its next request as soon as the last one answered, for
 * `warmupMs` unmeasured and then `durationMs` measured. No third-party client: only `node:http`.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadRequest, LoadWorkerInput, LoadWorkerOutput } from './http-load';

const input = workerData as LoadWorkerInput;
const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency });
const headers = { authorization: `Bearer ${input.token}`, accept: 'application/json' };

function send(target: LoadRequest): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: input.port, path: target.path, agent, headers },
      (response) => {
        // The body is read in full (the server's work includes sending it), then dropped.
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function run(): Promise<LoadWorkerOutput> {
  const latencies = new Map<string, number[]>();
  const statuses: Record<string, number> = {};
  const bodyBytes: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const measureFrom = started + input.warmupMs;
  const end = measureFrom + input.durationMs;
  const client = async () => {
    while (performance.now() < end && next < (input.requestsMax ?? Number.POSITIVE_INFINITY)) {
      const target = input.requests[next++ % input.requests.length];
      const t0 = performance.now();
      let status: number;
      let bytes = 0;
      try {
        ({ status, bytes } = await send(target));
      } catch {
        status = 0;
      }
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      statuses[status] = (statuses[status] ?? 0) + 1;
      bodyBytes[target.kind] = (bodyBytes[target.kind] ?? 0) + bytes;
      if (status !== 200) errors += 1;
      let list = latencies.get(target.kind);
      if (!list) latencies.set(target.kind, (list = []));
      list.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, client));
  const measuredMs = performance.now() - measureFrom;
  agent.destroy();
  return { measuredMs, errors, statuses, latencies: Object.fromEntries(latencies), bodyBytes };
}

run().then(
  (output) => parentPort?.postMessage({ ok: true, output }),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: String(error) }),
);
