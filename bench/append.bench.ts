/**
 * `npm run bench:append`: append throughput and latency of the PostgreSQL event store with the
 * hash chain on. Workloads: (a) single events to new streams, one writer; (b) single events,
 * eight writers over 1,000 streams with exact expected revisions; (c) batches of 100, four writers.
 */
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { appendWorkloads, storeAppender, warmUp } from './support/append-workloads';
import { benchDatabase } from './support/bench-database';
import { machineCpuSeconds } from './support/proc-status';
import { BenchReport, latencySummary } from './support/bench-report';
import { readBenchFlags, runBench } from './support/bench-flags';
import { appendFlags } from './support/bench-options';

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), appendFlags);
  const selected = flags.workloads;
  const scale = flags.scale;
  const database = await benchDatabase(flags['database-url']);
  const store = await PostgresEventStore.open({ connectionString: database.url, poolSize: 10 });
  const appender = storeAppender(store);
  const run = `r${Date.now().toString(36)}`;
  const report = new BenchReport('append');
  try {
    for (const workload of appendWorkloads(scale, run).filter((w) => selected.includes(w.name))) {
      await warmUp(appender, `${run}${workload.name}`);
      const callsBefore = { ...store.appendCalls };
      const clientBefore = process.cpuUsage();
      const machineBefore = machineCpuSeconds();
      const { events, latenciesMs, elapsedMs } = await workload.run(appender);
      const clientCpu = process.cpuUsage(clientBefore);
      const machineAfter = machineCpuSeconds();
      const calls = store.appendCalls.calls - callsBefore.calls;
      const { p50Ms, p99Ms } = latencySummary(latenciesMs);
      console.log(
        `${workload.name}: ${workload.description}: ${events} events in ${elapsedMs.toFixed(0)} ms`,
      );
      report.add(workload.name, 'eventsPerSecond', (events / elapsedMs) * 1000, 'events/s');
      report.add(workload.name, 'p50Ms', p50Ms, 'ms');
      report.add(workload.name, 'p99Ms', p99Ms, 'ms');
      // How many appends shared one call (and one commit) of sunlight_append.
      report.add(
        workload.name,
        'appendsPerCall',
        (store.appendCalls.appends - callsBefore.appends) / calls,
        'appends',
      );
      // CPU per event is steadier than events/s on a shared VM: the client (this process,
      // which builds the events too) and the whole machine, which is mostly PostgreSQL besides.
      report.add(
        workload.name,
        'clientCpuUsPerEvent',
        (clientCpu.user + clientCpu.system) / events,
        'µs',
      );
      if (machineBefore && machineAfter) {
        report.add(
          workload.name,
          'machineCpuUsPerEvent',
          ((machineAfter.busy - machineBefore.busy) * 1e6) / events,
          'µs',
        );
      }
    }
    report.finish({
      database: flags['database-url'] ? 'external' : 'embedded PostgreSQL 18',
      hashChain: true,
    });
  } finally {
    await store.close();
    await database.close();
  }
}

if (require.main === module) runBench(main);
