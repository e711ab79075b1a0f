/**
 * `npm run bench:households`: the household register at county scale (issue 14). Registers
 * `--scale` × 100,000 households with 4 members each (one RegisterHousehold carrying its four
 * members through the app's command bus: one append of HouseholdRegistered and four MemberAdded,
 * `--concurrency` households in flight), then, once the households projection has applied them all,
 * asks for the card (明白卡) of a random household over HTTP, `--card-requests` times from
 * `--card-concurrency` keep-alive clients in a worker thread. Targets: ≥ 1,000 households/s
 * and card p99 < 10 ms at 100,000 households. A missed target is printed, never an error.
 *
 * The app runs in this process as `serve` would (projections and processors on), so the
 * registration shares the machine with the projections following it, as in production.
 *
 * Flags: --scale S (default 1), --concurrency N (32), --card-requests N (5,000),
 * --card-concurrency N (8), --database-url URL (a new database on that server; default an
 * embedded PostgreSQL), --seed N.
 */
import { performance } from 'node:perf_hooks';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { signAccessToken } from '@sunlight/auth';
import { loadDivisionRegistry } from '@sunlight/geo';
import { RunHouseholdCommand } from '@sunlight/households/households-application.module';
import { householdsCollections, householdsProjectionName } from '@sunlight/households';
import type { Actor } from '@sunlight/kernel';
import { READ_STORE, type ReadStore } from '@sunlight/read-store';
import { loadAppConfig } from '../src/config/app-config';
import { createApp } from '../src/main';
import { DemoPeople, demoVillages, seededRandom } from '../src/demo/demo-county';
import { benchDatabase } from './support/bench-database';
import { BenchReport, figure, latencySummary } from './support/bench-report';
import { readBenchFlags, runBench } from './support/bench-flags';
import { householdsFlags } from './support/bench-options';
import { runHttpLoad } from './support/http-load';

const jwtSecret = 'households-bench-secret-'.padEnd(48, 'h');
const fullScaleHouseholds = 100_000;
const membersPerHousehold = 4;
const householdsPerSecondTarget = 1_000;
const cardP99TargetMs = 10;
const catchUpTimeoutMs = 30 * 60_000;
const progressEveryMs = 10_000;
const county = '530325';
const reader: Actor = { id: 'bench-reader', role: 'commission', division: county };

const flags = readBenchFlags(process.argv.slice(2), householdsFlags);

interface Planned {
  householdId: string;
  villageCode: string;
  members: { idNumber: string; birthDate: string; sex: '男' | '女' }[];
}

function plan(count: number, seed: number): Planned[] {
  const random = seededRandom(seed);
  const people = new DemoPeople(random);
  const villages = demoVillages(loadDivisionRegistry(), county);
  const perVillage = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const { villageCode } = villages[index % villages.length] as (typeof villages)[number];
    const n = (perVillage.get(villageCode) ?? 0) + 1;
    perVillage.set(villageCode, n);
    return {
      householdId: `hh-${villageCode}-${n}`,
      villageCode,
      members: (['男', '女', '男', '女'] as const).map((sex, m) => ({
        ...people.person(
          m < 2 ? 1960 + Math.floor(random() * 30) : 1995 + Math.floor(random() * 15),
          sex,
        ),
        sex,
      })),
    };
  });
}

async function register(
  bus: CommandBus,
  households: Planned[],
  concurrency: number,
): Promise<number> {
  const occurredAt = () => new Date().toISOString();
  let next = 0;
  let done = 0;
  let reportedMs = performance.now();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < households.length) {
      const household = households[next] as Planned;
      next += 1;
      const actor: Actor = {
        id: `clerk-${household.villageCode}`,
        role: 'village_staff',
        division: household.villageCode,
      };
      await bus.execute(
        new RunHouseholdCommand(
          {
            householdId: household.householdId,
            actor,
            occurredAt: occurredAt(),
            type: 'RegisterHousehold',
            villageCode: household.villageCode,
            headName: '户主',
            address: '富源县',
            identificationStandard: '国家',
            attribute: '一般贫困户',
            mainCause: '因病',
            otherCauses: [],
            bankName: '信用社',
            bankAccount: '621700000000000001',
            phone: '13800000000',
            identifiedYear: 2016,
            villageExists: true,
            villageGroupExists: true,
            members: household.members.map((member, m) => ({
              idNumber: member.idNumber,
              name: `成员${m}`,
              relation: (['户主', '配偶', '之子', '之女'] as const)[m] as '户主',
              sex: member.sex,
              birthDate: member.birthDate,
              health: '健康',
              schooling: '初中',
              labour: '普通劳动力',
            })),
          },
          {
            commandId: `bench/${household.householdId}`,
            correlationId: `bench/${household.householdId}`,
          },
        ),
      );
      done += 1;
      if (performance.now() - reportedMs > progressEveryMs) {
        reportedMs = performance.now();
        console.log(
          `registered ${done.toLocaleString('en')} of ${households.length.toLocaleString('en')} households`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

async function caughtUp(app: NestExpressApplication, count: number): Promise<number> {
  const store = app.get<ReadStore>(READ_STORE);
  const started = performance.now();
  for (;;) {
    const { total } = await store.find(householdsProjectionName, householdsCollections.households, {
      where: { memberCount: membersPerHousehold },
      limit: 0,
    });
    if (total >= count) return performance.now() - started;
    if (performance.now() - started > catchUpTimeoutMs) {
      throw new Error(
        `the households projection holds ${total} of ${count} complete households after ${catchUpTimeoutMs / 60_000} minutes`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const count = Math.round(fullScaleHouseholds * flags.scale);
  const households = plan(count, flags.seed);
  const database = await benchDatabase(flags['database-url']);
  const report = new BenchReport('households');
  const app = await createApp(
    loadAppConfig({
      DATABASE_URL: database.url,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
    }),
  );
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    console.log(
      `registering ${count.toLocaleString('en')} households of ${membersPerHousehold} members (${flags.concurrency} in flight)`,
    );
    const registerMs = await register(app.get(CommandBus), households, flags.concurrency);
    const perSecond = count / (registerMs / 1_000);
    report.add('register', 'households/s', perSecond, 'households/s');
    report.add(
      'register',
      'events/s',
      (count * (1 + membersPerHousehold)) / (registerMs / 1_000),
      'events/s',
    );
    console.log(
      `registered in ${figure(registerMs / 1_000, 1)} s: ${figure(perSecond)} households/s (target ≥ ${householdsPerSecondTarget})`,
    );
    const catchUpMs = await caughtUp(app, count);
    report.add('projection', 'catch-up after the last command', catchUpMs / 1_000, 's');

    const random = seededRandom(flags.seed + 1);
    const requests = Array.from({ length: Math.min(flags['card-requests'], 10_000) }, () => ({
      path: `/api/v1/households/${households[Math.floor(random() * count)]?.householdId}/card`,
      kind: 'card',
    }));
    const output = await runHttpLoad({
      port,
      token: signAccessToken(jwtSecret, { actor: reader }),
      requests,
      concurrency: flags['card-concurrency'],
      warmupMs: 0,
      durationMs: 600_000,
      requestsMax: flags['card-requests'],
    });
    const latencies = output.latencies.card ?? [];
    const { p50Ms, p99Ms } = latencySummary(latencies);
    report.add('card', 'p50', p50Ms, 'ms');
    report.add('card', 'p99', p99Ms, 'ms');
    report.add('card', 'requests/s', latencies.length / (output.measuredMs / 1_000), 'requests/s');
    report.add('card', 'errors', output.errors, 'requests');
    console.log(
      `card over HTTP at ${count.toLocaleString('en')} households: p50 ${figure(p50Ms, 2)} ms, p99 ${figure(p99Ms, 2)} ms (target < ${cardP99TargetMs} ms), statuses ${JSON.stringify(output.statuses)}`,
    );
    console.log(
      `households/s ${figure(perSecond)} — target ≥ ${householdsPerSecondTarget}: ${perSecond >= householdsPerSecondTarget ? 'met' : 'MISSED'}` +
        (count < fullScaleHouseholds ? ` (at ${count.toLocaleString('en')}, not 100,000)` : ''),
    );
    console.log(
      `card p99 ${figure(p99Ms, 2)} ms — target < ${cardP99TargetMs} ms: ${p99Ms < cardP99TargetMs ? 'met' : 'MISSED'}` +
        (count < fullScaleHouseholds
          ? ` (at ${count.toLocaleString('en')} households, not 100,000)`
          : ''),
    );
    report.finish({
      households: count,
      membersPerHousehold,
      concurrency: flags.concurrency,
      statuses: output.statuses,
    });
  } finally {
    await app.close();
    await database.close();
  }
}

runBench(main);
