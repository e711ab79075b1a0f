import { performance } from 'node:perf_hooks';
import type { EventStore, EventToAppend, ExpectedRevision } from '@sunlight/event-store';
import { disbursementEvent } from './disbursement-event';

/**
 * Whatever `bench:append`'s workloads write to: Sunlight's event store, or one of the reference
 * stores of `bench:baselines`. Resolves to the stream's next expected revision.
 */
export interface Appender {
  append(
    streamName: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<bigint>;
}

/** Sunlight's store as an `Appender`. */
export function storeAppender(store: EventStore): Appender {
  return {
    append: async (streamName, events, expectedRevision) =>
      (await store.appendToStream(streamName, events, { expectedRevision })).nextExpectedRevision,
  };
}

export interface WorkloadRun {
  events: number;
  latenciesMs: number[];
  elapsedMs: number;
}

export interface AppendWorkload {
  name: string;
  description: string;
  run(appender: Appender): Promise<WorkloadRun>;
}

/** `workers` concurrent loops of `perWorker` appends each; every append is timed. */
export async function runWorkers(
  workers: number,
  perWorker: number,
  appendOne: (worker: number, iteration: number) => Promise<number>,
): Promise<WorkloadRun> {
  const latenciesMs: number[] = [];
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < perWorker; i += 1) {
        const t0 = performance.now();
        const appended = await appendOne(worker, i);
        events += appended;
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { events, latenciesMs, elapsedMs: performance.now() - started };
}

/** A short warm-up so that connection set-up and plan caching are not measured. */
export async function warmUp(appender: Appender, label: string): Promise<void> {
  await runWorkers(4, 50, async (worker, i) => {
    await appender.append(`warmup-${label}-${worker}-${i}`, [disbursementEvent(i)], 'no_stream');
    return 1;
  });
}

/**
 * The workloads of issue 2: (a) single events to new streams, one writer; (b) single events,
 * eight writers over 1,000 streams with exact expected revisions; (c) batches of 100, four
 * writers. `label` keeps the stream names of one run apart from every other run's.
 */
export function appendWorkloads(scale: number, label: string): AppendWorkload[] {
  return [
    {
      name: 'a',
      description: 'single-event appends to new streams, concurrency 1',
      run: (appender) =>
        runWorkers(1, Math.round(5_000 * scale), async (_, i) => {
          await appender.append(`pool-${label}a${i}.530325`, [disbursementEvent(i)], 'no_stream');
          return 1;
        }),
    },
    {
      name: 'b',
      description: 'single-event appends, concurrency 8, 1,000 streams, exact expected revisions',
      run: (appender) => {
        const streams = 1_000;
        const revisions = new Map<number, bigint>();
        return runWorkers(8, Math.round(2_500 * scale), async (worker, i) => {
          // Each writer owns the streams congruent to it, so exact revisions never collide.
          const stream = (worker + 8 * (i % (streams / 8))) % streams;
          const expected = revisions.get(stream);
          const next = await appender.append(
            `pool-${label}b.${stream}`,
            [disbursementEvent(i)],
            expected ?? 'no_stream',
          );
          revisions.set(stream, next);
          return 1;
        });
      },
    },
    {
      name: 'c',
      description: 'batches of 100 events, concurrency 4',
      run: (appender) =>
        runWorkers(4, Math.round(250 * scale), async (worker, i) => {
          const batch = Array.from({ length: 100 }, (_, k) => disbursementEvent(i * 100 + k));
          await appender.append(`roster-${label}c${worker}-${i}`, batch, 'no_stream');
          return 100;
        }),
    },
  ];
}
