/**
 * `npm run bench:append`: append throughput and latency of the PostgreSQL event store with the
 * hash chain on. Workloads: (a) single events to new streams, one writer; (b) single events,
 * eight writers over 1,000 streams with exact expected revisions; (c) batches of 100, four writers.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PostgresEventStore } from '@sunlight/event-store';
import { benchDatabase } from './support/bench-database';
import { disbursementEvent } from './support/disbursement-event';
import { machineCpuSeconds } from './support/proc-status';
import { BenchReport, latencySummary, parseFlags } from './support/bench-report';

interface Workload {
  name: string;
  description: string;
  run(store: PostgresEventStore): Promise<{ events: number; latenciesMs: number[]; elapsedMs: number }>;
}

async function runWorkers(
  workers: number,
  perWorker: number,
  appendOne: (worker: number, iteration: number) => Promise<number>,
): Promise<{ events: number; latenciesMs: number[]; elapsedMs: number }> {
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

function workloads(scale: number): Workload[] {
  const run = `r${Date.now().toString(36)}`;
  return [
    {
      name: 'a',
      description: 'single-event appends to new streams, concurrency 1',
      run: (store) =>
        runWorkers(1, Math.round(5_000 * scale), async (_, i) => {
          await store.appendToStream(`pool-${run}a${i}.530325`, [disbursementEvent(i)], { expectedRevision: 'no_stream' });
          return 1;
        }),
    },
    {
      name: 'b',
      description: 'single-event appends, concurrency 8, 1,000 streams, exact expected revisions',
      run: (store) => {
        const streams = 1_000;
        const revisions = new Map<number, bigint>();
        return runWorkers(8, Math.round(2_500 * scale), async (worker, i) => {
          // Each writer owns the streams congruent to it, so exact revisions never collide.
          const stream = (worker + 8 * (i % (streams / 8))) % streams;
          const expected = revisions.get(stream);
          const result = await store.appendToStream(`pool-${run}b.${stream}`, [disbursementEvent(i)], {
            expectedRevision: expected ?? 'no_stream',
          });
          revisions.set(stream, result.nextExpectedRevision);
          return 1;
        });
      },
    },
    {
      name: 'c',
      description: 'batches of 100 events, concurrency 4',
      run: (store) =>
        runWorkers(4, Math.round(250 * scale), async (worker, i) => {
          const batch = Array.from({ length: 100 }, (_, k) => disbursementEvent(i * 100 + k));
          await store.appendToStream(`roster-${run}c${worker}-${i}`, batch, { expectedRevision: 'no_stream' });
          return 100;
        }),
    },
  ];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const selected = (flags.get('workloads') ?? 'a,b,c').split(',');
  const scale = Number(flags.get('scale') ?? '1');
  const database = await benchDatabase(flags.get('database-url') ?? undefined);
  const store = await PostgresEventStore.open({ connectionString: database.url, poolSize: 10 });
  const report = new BenchReport('append');
  try {
    for (const workload of workloads(scale).filter((w) => selected.includes(w.name))) {
      // A short warm-up so that connection set-up and plan caching are not measured.
      await runWorkers(4, 50, async (_, i) => {
        await store.appendToStream(`warmup-${randomUUID()}`, [disbursementEvent(i)], { expectedRevision: 'no_stream' });
        return 1;
      });
      const callsBefore = { ...store.appendCalls };
      const clientBefore = process.cpuUsage();
      const machineBefore = machineCpuSeconds();
      const { events, latenciesMs, elapsedMs } = await workload.run(store);
      const clientCpu = process.cpuUsage(clientBefore);
      const machineAfter = machineCpuSeconds();
      const calls = store.appendCalls.calls - callsBefore.calls;
      const { p50Ms, p99Ms } = latencySummary(latenciesMs);
      console.log(`${workload.name}: ${workload.description}: ${events} events in ${elapsedMs.toFixed(0)} ms`);
      report.add(workload.name, 'eventsPerSecond', (events / elapsedMs) * 1000, 'events/s');
      report.add(workload.name, 'p50Ms', p50Ms, 'ms');
      report.add(workload.name, 'p99Ms', p99Ms, 'ms');
      // How many appends shared one call (and one commit) of sunlight_append.
      report.add(workload.name, 'appendsPerCall', (store.appendCalls.appends - callsBefore.appends) / calls, 'appends');
      // CPU per event is steadier than events/s on a shared VM: the client (this process,
      // which builds the events too) and the whole machine, which is mostly PostgreSQL besides.
      report.add(workload.name, 'clientCpuUsPerEvent', ((clientCpu.user + clientCpu.system) / events), 'µs');
      if (machineBefore && machineAfter) {
        report.add(workload.name, 'machineCpuUsPerEvent', ((machineAfter.busy - machineBefore.busy) * 1e6) / events, 'µs');
      }
    }
    report.finish({ database: flags.get('database-url') ? 'external' : 'embedded PostgreSQL 18', hashChain: true });
  } finally {
    await store.close();
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
