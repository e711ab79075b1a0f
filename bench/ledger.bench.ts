/**
 * `npm run bench:ledger`: disbursement commands per second through the HTTP API (the app in its
 * own process, eight concurrent clients) and through the command bus in-process, and command
 * latency on a pool that already holds 100,000 events.
 *
 * The HTTP workload's reference is measured in the same app, round after round, alternately:
 * a route that takes the same body through the same Nest stack (pipe, guard, jurisdiction) and
 * does one INSERT into a plain table (support/reference-route.module.ts, only in this
 * benchmark's app). Sunlight's commands/s over the reference's is the ratio issue 19 sets a
 * target for (≥ 0.5): the floor that HTTP, validation and one round trip set on this machine.
 *
 * Flags: --workloads, --scale (5,000 commands per HTTP round and bus run, 2,000 on the long
 * pool, times this), --rounds (2), --long-pool-events, --with-projections, --database-url.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CommandBus } from '@nestjs/cqrs';
import { signAccessToken } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { PostgresEventStore, PostgresSnapshotStore } from '@sunlight/event-store/postgres';
import { type EventToAppend } from '@sunlight/event-store';
import { loadDivisionRegistry, makeIdNumber } from '@sunlight/geo';
import {
  initialPoolState,
  poolDecider,
  poolSnapshotSchemaVersion,
  poolStateToSnapshot,
  poolStreamName,
  type PoolCommand,
  type PoolEvent,
} from '@sunlight/funds';
import { CreateFundLineCommand, RunPoolCommand } from '@sunlight/funds/application/funds.commands';
import { loadAppConfig } from '../src/config/app-config';
import { createApp } from '../src/main';
import { benchDatabase } from './support/bench-database';
import { BenchReport, figure, latencySummary, median } from './support/bench-report';
import { readBenchFlags, runBench } from './support/bench-flags';
import { ledgerFlags } from './support/bench-options';
import { createReferenceTable, referenceRoutePrefix } from './support/reference-route.module';
import { JsonPoster } from './support/http-post';
import { cpuSecondsOf, machineCpuSeconds } from './support/proc-status';
import { freePort } from './support/free-port';

const county = '530325';
/**
 * The command side is measured as an API instance runs in production: with RUN_PROJECTIONS=false,
 * the read models kept by another instance (bench:projections measures those). `--with-projections`
 * runs them in the same process instead.
 */
let runProjections = 'false';
const jwtSecret = 'bench-secret-'.padEnd(48, 'x');
/** The app under test and the seeding below seal and check snapshots with one key. */
const snapshotKey = 'bench-ledger-snapshot-key-'.padEnd(48, 's');
const finance: Actor = { id: 'bench-finance', role: 'finance', division: county };
const admin: Actor = { id: 'bench-admin', role: 'admin', division: '53' };

interface Measured {
  commands: number;
  elapsedMs: number;
  latenciesMs: number[];
}

async function runConcurrently(
  concurrency: number,
  total: number,
  send: (index: number) => Promise<void>,
): Promise<Measured> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < total; index = next++) {
        const t0 = performance.now();
        await send(index);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { commands: total, elapsedMs: performance.now() - started, latenciesMs };
}

function disbursement(fundId: string, divisionCode: string, index: number): PoolCommand {
  return {
    type: 'RequestDisbursement',
    fundId,
    divisionCode,
    transferId: `bench-${randomUUID()}`,
    beneficiary: {
      kind: 'household',
      id: `hh-${divisionCode}-${index}`,
      name: '张三',
      idNumber: makeIdNumber(county, '19800101', String(100 + (index % 800)).padStart(3, '0')),
    },
    amountFen: 360_000n,
    actor: finance,
    occurredAt: new Date().toISOString(),
  };
}

/** One fund line per township, so concurrent commands spread over several pools as in real use. */
async function fundTownships(
  bus: CommandBus,
  townships: string[],
  label: string,
): Promise<string[]> {
  const fundIds: string[] = [];
  for (const [index, township] of townships.entries()) {
    const fundId = `bench-${label}-${index}`;
    await bus.execute(
      new CreateFundLineCommand(
        {
          type: 'CreateFundLine',
          fundId,
          name: `基准测试资金 ${index}`,
          fiscalYear: 2026,
          purposeCategory: '产业发展',
          source: '中央财政',
          appropriation: { divisionCode: township, amountFen: 100_000_000_000n },
          actor: admin,
          occurredAt: new Date().toISOString(),
        },
        { commandId: randomUUID(), correlationId: randomUUID() },
      ),
    );
    fundIds.push(fundId);
  }
  return fundIds;
}

/** Cores kept busy during a measured run: the app's process, this (client) process, the whole machine. */
interface CpuShares {
  appCores: number;
  clientCores: number;
  machineBusyCores: number;
}

interface HttpRun extends Measured {
  cpu: CpuShares | undefined;
}

/** Sunlight's route and the reference route, each round measured alternately in one app. */
interface HttpRounds {
  sunlight: HttpRun[];
  reference: HttpRun[];
}

async function httpDisbursements(
  databaseUrl: string,
  townships: string[],
  perRound: number,
  rounds: number,
  bus: CommandBus,
): Promise<HttpRounds> {
  const fundIds = await fundTownships(bus, townships, 'http');
  await createReferenceTable(databaseUrl);
  const port = await freePort();
  // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/app-profile" to profile the app.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const appScript = path.resolve('dist/bench/support/reference-app.js');
  const server = spawn(process.execPath, [...nodeArgs, appScript], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: jwtSecret,
      SUNLIGHT_SNAPSHOT_KEY: snapshotKey,
      LOG_LEVEL: 'warn',
      PG_POOL_SIZE: '10',
      RUN_PROJECTIONS: runProjections,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let poster: JsonPoster | undefined;
  try {
    await waitForHealth(port, server);
    const token = signAccessToken(jwtSecret, { actor: finance });
    poster = new JsonPoster(port, token, 8);
    const client = poster;
    const body = (pool: number, index: number) => ({
      transferId: `bench-${randomUUID()}`,
      divisionCode: townships[pool],
      beneficiary: {
        kind: 'household',
        id: `hh-${index}`,
        name: '张三',
        idNumber: makeIdNumber(county, '19800101', '123'),
      },
      amount: '3600.00',
    });
    const sends = {
      sunlight: async (index: number) => {
        const pool = index % townships.length;
        const response = await client.post(
          `/api/v1/funds/${fundIds[pool]}/disbursements`,
          body(pool, index),
        );
        if (response.status !== 201) throw new Error(`HTTP ${response.status}: ${response.text}`);
      },
      reference: async (index: number) => {
        const pool = index % townships.length;
        const response = await client.post(
          `/api/v1/${referenceRoutePrefix}/funds/${fundIds[pool]}/disbursements`,
          body(pool, index),
        );
        if (response.status !== 201)
          throw new Error(`reference route: HTTP ${response.status}: ${response.text}`);
      },
    };
    // Warm-up: connections, JIT, plan caches, on both routes.
    await runConcurrently(8, 200, sends.reference);
    await runConcurrently(8, 200, sends.sunlight);
    const measured: HttpRounds = { sunlight: [], reference: [] };
    for (let round = 1; round <= rounds; round += 1) {
      // The other order every round, so neither always runs on the fuller table.
      const order =
        round % 2 === 1
          ? (['reference', 'sunlight'] as const)
          : (['sunlight', 'reference'] as const);
      for (const kind of order) {
        const run = await measureHttp(server.pid, () => runConcurrently(8, perRound, sends[kind]));
        console.log(
          `http-disbursements round ${round}, ${kind}: ${figure((run.commands / run.elapsedMs) * 1000)} commands/s`,
        );
        measured[kind].push(run);
      }
    }
    return measured;
  } finally {
    poster?.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

/**
 * Who used the two cores during a run: the app, this process (the client, and the idle
 * in-process app of the bus workload), and everything else, which is PostgreSQL.
 */
async function measureHttp(
  appPid: number | undefined,
  run: () => Promise<Measured>,
): Promise<HttpRun> {
  const appBefore = appPid === undefined ? undefined : cpuSecondsOf(appPid);
  const clientBefore = process.cpuUsage();
  const machineBefore = machineCpuSeconds();
  const measured = await run();
  const appAfter = appPid === undefined ? undefined : cpuSecondsOf(appPid);
  const clientMicros = process.cpuUsage(clientBefore);
  const machineAfter = machineCpuSeconds();
  const wallSeconds = measured.elapsedMs / 1000;
  const cpu =
    appBefore !== undefined && appAfter !== undefined && machineBefore && machineAfter
      ? {
          appCores: (appAfter - appBefore) / wallSeconds,
          clientCores: (clientMicros.user + clientMicros.system) / 1e6 / wallSeconds,
          machineBusyCores: (machineAfter.busy - machineBefore.busy) / wallSeconds,
        }
      : undefined;
  return { ...measured, cpu };
}

/** Each kind's figures over its rounds, and Sunlight's ratio to the reference. */
function reportHttp(report: BenchReport, measured: HttpRounds): void {
  const perSecond = (run: Measured) => (run.commands / run.elapsedMs) * 1000;
  for (const kind of ['sunlight', 'reference'] as const) {
    const runs = measured[kind];
    const workload = kind === 'sunlight' ? 'http-disbursements' : 'http-reference-insert';
    const { p50Ms, p99Ms } = latencySummary(runs.flatMap((run) => run.latenciesMs));
    report.add(workload, 'commandsPerSecond', median(runs.map(perSecond)), 'commands/s');
    report.add(workload, 'p50Ms', p50Ms, 'ms');
    report.add(workload, 'p99Ms', p99Ms, 'ms');
    const cpu = runs.map((run) => run.cpu).filter((shares) => shares !== undefined);
    if (cpu.length > 0) {
      report.add(workload, 'appCpuCores', median(cpu.map((c) => c.appCores)), 'cores');
      report.add(workload, 'clientCpuCores', median(cpu.map((c) => c.clientCores)), 'cores');
      report.add(workload, 'machineBusyCores', median(cpu.map((c) => c.machineBusyCores)), 'cores');
    }
  }
  const sunlight = measured.sunlight.map(perSecond);
  const reference = measured.reference.map(perSecond);
  report.ratio(
    'ledger: disbursement commands / reference INSERT route (HTTP)',
    sunlight.map((value, round) => value / (reference[round] as number)),
    { atLeast: 0.5 },
    `${figure(median(sunlight))} vs ${figure(median(reference))} requests/s (medians of ${sunlight.length} rounds)`,
  );
}

async function busDisbursements(
  bus: CommandBus,
  townships: string[],
  total: number,
): Promise<Measured> {
  const fundIds = await fundTownships(bus, townships, 'bus');
  const send = async (index: number) => {
    const pool = index % townships.length;
    await bus.execute(
      new RunPoolCommand(disbursement(fundIds[pool], townships[pool], index), {
        commandId: randomUUID(),
        correlationId: randomUUID(),
      }),
    );
  };
  await runConcurrently(8, 200, send);
  return runConcurrently(8, total, send);
}

/**
 * Seeds a pool with `eventCount` events (request + approve pairs decided by the real decider),
 * written straight to the store in batches, plus the snapshot normal operation would have left.
 */
async function seedLongPool(
  store: PostgresEventStore,
  fundId: string,
  divisionCode: string,
  eventCount: number,
): Promise<void> {
  const stream = poolStreamName(fundId, divisionCode);
  let state = initialPoolState();
  let batch: EventToAppend[] = [];
  let revision: bigint | undefined;
  const approver: Actor = { id: 'bench-approver', role: 'approver', division: county };
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await store.appendToStream(stream, batch, {
      expectedRevision: revision ?? 'no_stream',
    });
    revision = result.nextExpectedRevision;
    batch = [];
  };
  const apply = (command: PoolCommand) => {
    const events: PoolEvent[] = poolDecider.decide(command, state);
    for (const event of events) {
      state = poolDecider.evolve(state, event);
      batch.push({
        eventId: randomUUID(),
        type: event.type,
        data: { ...event.data },
        metadata: {
          actor: command.actor,
          occurredAt: command.occurredAt,
          commandId: randomUUID(),
          schemaVersion: 1,
        },
      });
    }
  };
  const occurredAt = new Date().toISOString();
  apply({
    type: 'AppropriateFunds',
    fundId,
    divisionCode,
    transferId: `appropriation-${fundId}`,
    amountFen: 10n ** 14n,
    actor: admin,
    occurredAt,
  });
  for (let i = 0; batch.length + Number(revision ?? -1n) + 1 < eventCount; i += 1) {
    const request = disbursement(fundId, divisionCode, i);
    apply(request);
    apply({
      type: 'ApproveDisbursement',
      fundId,
      divisionCode,
      transferId: request.transferId,
      actor: approver,
      occurredAt,
    });
    if (batch.length >= 998) await flush();
  }
  await flush();
  await new PostgresSnapshotStore(store.pool, { sealKey: snapshotKey }).save({
    streamName: stream,
    revision: revision as bigint,
    schemaVersion: poolSnapshotSchemaVersion,
    state: { ...poolStateToSnapshot(state) },
  });
}

async function longPool(
  bus: CommandBus,
  fundId: string,
  divisionCode: string,
  total: number,
): Promise<Measured & { firstMs: number }> {
  const t0 = performance.now();
  await bus.execute(
    new RunPoolCommand(disbursement(fundId, divisionCode, 0), {
      commandId: randomUUID(),
      correlationId: randomUUID(),
    }),
  );
  const firstMs = performance.now() - t0;
  const measured = await runConcurrently(1, total, async (index) => {
    await bus.execute(
      new RunPoolCommand(disbursement(fundId, divisionCode, index), {
        commandId: randomUUID(),
        correlationId: randomUUID(),
      }),
    );
  });
  return { ...measured, firstMs };
}

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), ledgerFlags);
  const selected = flags.workloads;
  const scale = flags.scale;
  const longPoolEvents = flags['long-pool-events'];
  if (flags['with-projections']) runProjections = 'true';
  const database = await benchDatabase(flags['database-url']);
  const townships = loadDivisionRegistry()
    .childrenOf(county)
    .slice(0, 16)
    .map((division) => division.code);
  const report = new BenchReport('ledger');
  const app = await createApp(
    loadAppConfig({
      DATABASE_URL: database.url,
      JWT_SECRET: jwtSecret,
      SUNLIGHT_SNAPSHOT_KEY: snapshotKey,
      LOG_LEVEL: 'warn',
      PORT: '0',
      RUN_PROJECTIONS: runProjections,
    }),
  );
  await app.init();
  const bus = app.get(CommandBus);
  try {
    if (selected.includes('http-disbursements')) {
      reportHttp(
        report,
        await httpDisbursements(
          database.url,
          townships,
          Math.round(5_000 * scale),
          flags.rounds,
          bus,
        ),
      );
    }
    if (selected.includes('bus-disbursements')) {
      const m = await busDisbursements(bus, townships, Math.round(5_000 * scale));
      const { p50Ms, p99Ms } = latencySummary(m.latenciesMs);
      report.add(
        'bus-disbursements',
        'commandsPerSecond',
        (m.commands / m.elapsedMs) * 1000,
        'commands/s',
      );
      report.add('bus-disbursements', 'p50Ms', p50Ms, 'ms');
      report.add('bus-disbursements', 'p99Ms', p99Ms, 'ms');
    }
    if (selected.includes('long-pool')) {
      const store = await PostgresEventStore.open({
        connectionString: database.url,
        migrate: false,
      });
      const fundId = 'bench-long-pool';
      const seedStarted = performance.now();
      await seedLongPool(store, fundId, townships[0], longPoolEvents);
      await store.close();
      console.log(
        `long-pool: seeded ${longPoolEvents} events in ${(performance.now() - seedStarted).toFixed(0)} ms`,
      );
      // A new app instance: nothing cached, so the first command loads the snapshot plus the tail.
      const fresh = await createApp(
        loadAppConfig({
          DATABASE_URL: database.url,
          JWT_SECRET: jwtSecret,
          SUNLIGHT_SNAPSHOT_KEY: snapshotKey,
          LOG_LEVEL: 'warn',
          PORT: '0',
          RUN_PROJECTIONS: runProjections,
        }),
      );
      await fresh.init();
      try {
        const m = await longPool(
          fresh.get(CommandBus),
          fundId,
          townships[0],
          Math.round(2_000 * scale),
        );
        const { p50Ms, p99Ms } = latencySummary(m.latenciesMs);
        report.add('long-pool', 'priorEvents', longPoolEvents, 'events');
        report.add('long-pool', 'firstCommandMs', m.firstMs, 'ms');
        report.add('long-pool', 'p50Ms', p50Ms, 'ms');
        report.add('long-pool', 'p99Ms', p99Ms, 'ms');
      } finally {
        await fresh.close();
      }
    }
    report.finish({
      database: flags['database-url'] ? 'external' : 'embedded PostgreSQL 18',
      runProjections,
    });
  } finally {
    await app.close();
    await database.close();
  }
}

async function waitForHealth(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the app exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the app did not become healthy within 60 s');
}

runBench(main);
