/**
 * `npm run bench:integrity` (issue 20, item 7): the Merkle tree beside a log of 1,000,000 events
 * times `--scale`.
 *
 * 1. Tree build: the integrator (libs/transparency, as the app runs it: batches of 2,000, the
 *    projections' role) follows the whole existing log into merkle_nodes; events/s.
 * 2. Proofs: inclusion proofs of random positions, and consistency proofs from random sizes, in
 *    the tree of the whole log, eight at a time for `--proof-seconds` each; proofs/s.
 * 3. `sunlight verify`'s walk (verifyPostgresLog: the chain and the tree rebuilt, checked against
 *    the stored checkpoint); seconds, and seconds per 1,000,000 events (target under 10).
 * 4. bench:append's workload (c), batches of 100 by four writers, without and with the integrator
 *    following the log in the same process, alternately for `--rounds` (the order swapped each
 *    round); with/without events/s, target ≥ 0.95.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import {
  PostgresEventStore,
  projectorRoleName,
  verifyPostgresLog,
} from '@sunlight/event-store/postgres';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519PrivateKeyFromSeed,
  readConsistencyProof,
  readInclusionProof,
} from '@sunlight/integrity';
import { LogIntegrator } from '@sunlight/transparency';
import { PostgresTreeStore } from '@sunlight/transparency/postgres';
import { appendWorkloads, runWorkers, storeAppender, warmUp } from './support/append-workloads';
import { benchDatabase } from './support/bench-database';
import { BenchReport, figure, median } from './support/bench-report';
import { readBenchFlags, runBench } from './support/bench-flags';
import { integrityEventsFullScale, integrityFlags } from './support/bench-options';
import { disbursementEvent } from './support/disbursement-event';

const origin = 'bench.sunlight/log';

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), integrityFlags);
  const events = Math.round(integrityEventsFullScale * flags.scale);
  const database = await benchDatabase(flags['database-url']);
  const store = await PostgresEventStore.open({ connectionString: database.url, poolSize: 10 });
  const projector = new Pool({
    connectionString: database.url,
    max: 10,
    options: `-c role=${projectorRoleName}`,
  });
  const tree = new PostgresTreeStore(projector);
  const privateKey = ed25519PrivateKeyFromSeed(randomBytes(32));
  const signer = ed25519NoteSigner(origin, privateKey);
  const integrator = () =>
    new LogIntegrator(tree, {
      origin,
      signer,
      checkpointEveryEvents: 10_000_000,
      checkpointIntervalMs: 86_400_000,
    });
  const report = new BenchReport('integrity');
  const run = `r${Date.now().toString(36)}`;
  try {
    // The log: batches of 1,000 by four writers, as fast as the store takes them.
    console.log(`filling the log with ${figure(events)} events…`);
    const fillStarted = performance.now();
    const batches = Math.ceil(events / 1_000);
    await runWorkers(4, Math.ceil(batches / 4), async (worker, i) => {
      const batch = worker + 4 * i;
      if (batch >= batches) return 0;
      const count = Math.min(1_000, events - batch * 1_000);
      await store.appendToStream(
        `roster-${run}fill${batch}`,
        Array.from({ length: count }, (_, k) => disbursementEvent(batch * 1_000 + k)),
        { expectedRevision: 'no_stream' },
      );
      return count;
    });
    console.log(`filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);

    // 1. The tree over the existing log.
    const building = integrator();
    const buildCpu = process.cpuUsage();
    const buildStarted = performance.now();
    while ((await building.step()) > 0);
    await building.checkpointIfDue();
    const buildMs = performance.now() - buildStarted;
    const buildCpuUs = cpuMicroseconds(process.cpuUsage(buildCpu));
    const size = await tree.treeSize();
    // This process's CPU per event (PostgreSQL's is not counted): steadier than events/s on a
    // shared machine, and what a core free for it would take.
    report.add('tree-build', 'clientCpuUsPerEvent', buildCpuUs / size, 'µs');
    report.add('tree-build', 'eventsPerSecond', (size / buildMs) * 1000, 'events/s');
    report.add('tree-build', 'seconds', buildMs / 1000, 's');
    console.log(`tree of ${figure(size)} leaves built in ${(buildMs / 1000).toFixed(1)} s`);

    // 2. Proofs in the tree of the whole log.
    const proofs = async (name: string, prove: () => Promise<unknown>) => {
      const deadline = performance.now() + flags['proof-seconds'] * 1000;
      let count = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < deadline) {
            await prove();
            count += 1;
          }
        }),
      );
      const perSecond = (count / (performance.now() - started)) * 1000;
      report.add(name, 'proofsPerSecond', perSecond, 'proofs/s');
      console.log(`${name}: ${figure(perSecond)} proofs/s`);
    };
    const randomBelow = (n: number) => Math.floor(Math.random() * n);
    await proofs('inclusion-proofs', () => readInclusionProof(tree, randomBelow(size), size));
    await proofs('consistency-proofs', () =>
      readConsistencyProof(tree, 1 + randomBelow(size), size),
    );

    // 3. What `sunlight verify` walks: the chain and the tree, against the stored checkpoint.
    const verifyCpu = process.cpuUsage();
    const verifyStarted = performance.now();
    const verified = await verifyPostgresLog({
      connectionString: database.url,
      checkpoints: { origin, verifiers: [ed25519NoteVerifier(origin, privateKey)] },
    });
    const verifyMs = performance.now() - verifyStarted;
    const verifyCpuUs = cpuMicroseconds(process.cpuUsage(verifyCpu));
    if (!verified.ok || verified.checkpoints === undefined || verified.checkpoints.problem) {
      throw new Error(`verify did not pass the benchmark's own log: ${JSON.stringify(verified)}`);
    }
    report.add('verify', 'seconds', verifyMs / 1000, 's');
    report.add('verify', 'eventsPerSecond', (verified.eventsChecked / verifyMs) * 1000, 'events/s');
    report.add('verify', 'clientCpuUsPerEvent', verifyCpuUs / verified.eventsChecked, 'µs');
    const perMillion = (verifyMs / 1000) * (1_000_000 / verified.eventsChecked);
    report.ratio(
      'verify-seconds-per-1M-events',
      [perMillion],
      { atMost: 10 },
      `${figure(verified.eventsChecked)} events (chain + Merkle, ${verified.checkpoints.checked} checkpoints) in ${(verifyMs / 1000).toFixed(1)} s, ${figure(verifyCpuUs / verified.eventsChecked, 1)} µs of this process's CPU per event`,
    );

    // 4. Appends with and without the tree following them, alternately.
    const appender = storeAppender(store);
    const without: number[] = [];
    const withTree: number[] = [];
    const ratios: number[] = [];
    const catchUps: number[] = [];
    await warmUp(appender, `${run}warm`);
    for (let round = 0; round < flags.rounds; round += 1) {
      const order =
        round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      const figures: Record<string, number> = {};
      for (const mode of order) {
        const [workload] = appendWorkloads(flags['append-scale'], `${run}${round}${mode}`).filter(
          (w) => w.name === 'c',
        );
        // The tree first catches up with what the other mode appended, unmeasured.
        const following = integrator();
        while ((await following.step()) > 0);
        const controller = new AbortController();
        const running = mode === 'with' ? following.run(controller.signal) : undefined;
        const result = await workload.run(appender);
        const eventsPerSecond = (result.events / result.elapsedMs) * 1000;
        figures[mode] = eventsPerSecond;
        if (running !== undefined) {
          // How far behind the tree was when the appends stopped: the time it takes to catch up.
          const head = await tree.logSize();
          const lagStarted = performance.now();
          while ((await tree.treeSize()) < head) await new Promise((r) => setTimeout(r, 20));
          catchUps.push(performance.now() - lagStarted);
          controller.abort();
          await running;
        }
        console.log(
          `round ${round + 1} ${mode} the integrator: ${figure(eventsPerSecond)} events/s`,
        );
      }
      without.push(figures.without);
      withTree.push(figures.with);
      ratios.push(figures.with / figures.without);
    }
    report.add('append-c-without-tree', 'eventsPerSecond', median(without), 'events/s');
    report.add('append-c-with-tree', 'eventsPerSecond', median(withTree), 'events/s');
    report.add('append-c-with-tree', 'treeCatchUpMsAfterLoad', median(catchUps), 'ms');
    report.ratio(
      'append-c-with-tree/without',
      ratios,
      { atLeast: 0.95 },
      `${figure(median(withTree))} vs ${figure(median(without))} events/s (workload c, medians of ${flags.rounds} rounds)`,
    );
    report.finish({
      database: flags['database-url'] ? 'external' : 'embedded PostgreSQL 18',
      events,
      appendScale: flags['append-scale'],
    });
  } finally {
    await projector.end();
    await store.close();
    await database.close();
  }
}

function cpuMicroseconds(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

if (require.main === module) runBench(main);
