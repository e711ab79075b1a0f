/**
 * `npm run bench:crosscheck` (issue 17): a county's cross-check at province scale. The log holds
 * `--scale` × 1,000,000 accepted roster lines (100 rosters of the county), and each of the six
 * registries has a snapshot in force of `--scale` × 1,000,000 rows; `--hit-rate` of the roster
 * lines are named by each registry (so about that share × 6 of the lines become findings), every
 * other registry row is about someone on no roster. Then the cross-check of the county runs as its
 * job does (CrossCheck.run: the lines read from the log, the registry rows naming them read from
 * PostgreSQL, every rule of the catalogue, one FindingRaised per hit), and runs again on the
 * unchanged data, which must raise nothing. Reported: the time of each run and the process's peak
 * memory during each (VmHWM, reset before each run through /proc/self/clear_refs). Targets: the
 * full-scale run under 60 s with peak memory under 2 GB; the re-run raising nothing (an error if
 * it does: that is a defect, not a speed).
 *
 * The data is written straight to the store (events appended as the parse job would have, rows
 * through the registry rows' adapter as the import job does), since their import has benchmarks
 * of its own (bench:roster) and is not what is measured here. The app runs in this process with
 * projections, processors and workers off, so nothing else competes with the check.
 *
 * Flags: --scale S (default 1), --hit-rate R (0.001), --database-url URL (a new database on that
 * server; default an embedded PostgreSQL), --seed N.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { EVENT_STORE, type EventStore, type EventToAppend } from '@sunlight/event-store';
import { loadDivisionRegistry, makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import {
  REGISTRY_ROWS,
  registryKinds,
  type RegistryKind,
  type RegistryRow,
  type RegistryRows,
} from '@sunlight/oversight';
import { CrossCheck, type CrossCheckResult } from '@sunlight/oversight/application/cross-check';
import { loadAppConfig } from '../src/config/app-config';
import { createApp } from '../src/main';
import { demoVillages, seededRandom } from '../src/demo/demo-county';
import { benchDatabase } from './support/bench-database';
import { BenchReport, figure } from './support/bench-report';
import { readBenchFlags, runBench } from './support/bench-flags';
import { crossCheckFlags, crossCheckFullScale } from './support/bench-options';
import { runWorkers } from './support/append-workloads';

const jwtSecret = 'crosscheck-bench-secret-'.padEnd(48, 'c');
const county = '530325';
const rosters = 100;
const secondsTarget = 60;
const peakMbTarget = 2_048;
const appliedOn = '2019-03-01';
/** The rosters are uploaded weeks after the applications, after their review and notice (公示). */
const uploadedOn = '2019-04-15';
const asOf = '2019-06-30';
const commission: Actor = { id: 'bench-commission', role: 'commission', division: county };
const uploader: Actor = { id: 'bench-clerk', role: 'finance', division: county };
const rowsPerInsert = 5_000;
const eventsPerAppend = 1_000;

const flags = readBenchFlags(process.argv.slice(2), crossCheckFlags);

/**
 * Person n's ID number: a valid one (check character computed), distinct for every n, born on
 * day n / 500 after 1950-01-01 with sequence n mod 500 (odd sequences are men).
 */
function idNumberOf(n: number): string {
  const born = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 500) * 86_400_000);
  const birth = born.toISOString().slice(0, 10).replaceAll('-', '');
  return makeIdNumber(county, birth, String(n % 500).padStart(3, '0'));
}

const daysBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Registry row `row` of a kind, about person n (a roster line's when it is a planted hit). */
function registryRow(kind: RegistryKind, row: number, n: number, sha: string): RegistryRow {
  const source = { snapshotSha256: sha, asOf, row };
  const name = `登记人${n}`;
  const idNumber = idNumberOf(n);
  const before = daysBefore(appliedOn, 30 + (n % 300));
  switch (kind) {
    case 'public-servants':
      return { source, kind, name, idNumber, employer: '县农业农村局' };
    case 'village-cadres':
      // A cadre (someone on no roster) with a relative: the planted hits are the relatives.
      return {
        source,
        kind,
        name: `村干部${n}`,
        cadreIdNumber: idNumberOf(n + 50_000_000),
        relativeIdNumber: idNumber,
        relativeName: name,
        relation: '配偶',
      };
    case 'businesses':
      return { source, kind, name, idNumber, type: '个体工商户', registered: before };
    case 'vehicles':
      return {
        source,
        kind,
        name,
        idNumber,
        plate: `云D${n % 100_000}`,
        type: '小型轿车',
        registered: before,
      };
    case 'property':
      return { source, kind, name, idNumber, type: '商品房', purchased: before };
    case 'deaths':
      return { source, kind, name, idNumber, died: before };
  }
}

/**
 * Writes the registries; returns the hits the check must find: one per rule and roster person
 * named (public servants and cadres' relatives are one rule, so a person in both is one hit).
 */
async function seedRegistries(rows: RegistryRows, entries: number): Promise<number> {
  const random = seededRandom(flags.seed);
  const perKind = Math.round(crossCheckFullScale * flags.scale);
  const hits = Math.round(entries * flags['hit-rate']);
  const namedBy = new Map<RegistryKind, Set<number>>();
  for (const [k, kind] of registryKinds.entries()) {
    const snapshotId = `rg-${kind}-${county}-${(k + 1).toString(16).padStart(12, '0')}`;
    const sha = (k + 1).toString(16).padStart(64, '0');
    // The planted hits: `hits` roster people, chosen anew for each registry.
    const named = new Set<number>();
    while (named.size < Math.min(hits, entries)) named.add(Math.floor(random() * entries));
    namedBy.set(kind, named);
    const people = [...named];
    for (let start = 0; start < perKind; start += rowsPerInsert) {
      const batch: RegistryRow[] = [];
      for (let row = start + 1; row <= Math.min(perKind, start + rowsPerInsert); row += 1) {
        // People on no roster are numbered from 10,000,000 up, apart for each registry.
        const n = people[row - 1] ?? 10_000_000 * (k + 1) + row;
        batch.push(registryRow(kind, row, n, sha));
      }
      await rows.add(snapshotId, batch);
    }
    await rows.recordImported({
      snapshotId,
      kind,
      divisionCode: county,
      asOf,
      fileSha256: sha,
      rows: perKind,
    });
    console.log(
      `registry ${kind}: ${figure(perKind)} rows, ${figure(named.size)} naming roster lines`,
    );
  }
  const sizeOf = (kind: RegistryKind) => namedBy.get(kind)?.size ?? 0;
  const servantsOrCadres = new Set([
    ...(namedBy.get('public-servants') ?? []),
    ...(namedBy.get('village-cadres') ?? []),
  ]);
  return (
    servantsOrCadres.size +
    sizeOf('businesses') +
    sizeOf('vehicles') +
    sizeOf('property') +
    sizeOf('deaths')
  );
}

async function seedRosters(store: EventStore, entries: number): Promise<void> {
  const villages = demoVillages(loadDivisionRegistry(), county);
  const perRoster = Math.ceil(entries / rosters);
  const metadata = () => ({
    actor: uploader,
    occurredAt: `${uploadedOn}T08:00:00.000Z`,
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    schemaVersion: 1,
  });
  const appends: { stream: string; events: EventToAppend[]; first: boolean }[] = [];
  for (let r = 0; r < rosters; r += 1) {
    const rosterId = `ro-${county}-${r.toString(16).padStart(12, '0')}`;
    const stream = `roster-${rosterId}`;
    const lines = Math.max(0, Math.min(perRoster, entries - r * perRoster));
    const events: EventToAppend[] = [
      {
        eventId: randomUUID(),
        type: 'RosterUploaded',
        data: {
          rosterId,
          fundId: `fund-${county}-house-renovation`,
          divisionCode: county,
          purpose: '危房改造补助',
          period: '2019',
          fileSha256: r.toString(16).padStart(64, 'a'),
          fileName: `roster-${r}.csv`,
          bytes: lines * 120,
          format: 'csv',
          uploadedBy: { ...uploader },
          parseJobId: `rosters.${randomUUID()}`,
        },
        metadata: metadata(),
      },
    ];
    for (let row = 1; row <= lines; row += 1) {
      const n = r * perRoster + row - 1;
      const village = villages[n % villages.length] as (typeof villages)[number];
      events.push({
        eventId: randomUUID(),
        type: 'RosterEntryAccepted',
        data: {
          rosterId,
          row,
          name: `申请人${n}`,
          idNumber: idNumberOf(n),
          villageGroup: village.villageCode,
          bankAccount: `6228${String(n).padStart(15, '0')}`,
          amountFen: '1500000',
          appliedOn,
        },
        metadata: metadata(),
      });
    }
    for (let start = 0; start < events.length; start += eventsPerAppend) {
      appends.push({
        stream,
        events: events.slice(start, start + eventsPerAppend),
        first: start === 0,
      });
    }
  }
  // Each roster's appends in order (its revisions follow on), four rosters at a time.
  const byStream = new Map<string, typeof appends>();
  for (const append of appends) {
    byStream.set(append.stream, [...(byStream.get(append.stream) ?? []), append]);
  }
  const streams = [...byStream.values()];
  await runWorkers(4, Math.ceil(streams.length / 4), async (worker, i) => {
    const mine = streams[worker + 4 * i];
    if (mine === undefined) return 0;
    let revision = -1n;
    for (const append of mine) {
      const result = await store.appendToStream(append.stream, append.events, {
        expectedRevision: append.first ? 'no_stream' : revision,
      });
      revision = result.nextExpectedRevision;
    }
    return mine.length;
  });
}

/** Peak resident memory since the last reset, in MB. */
function peakRssMb(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function resetPeakRss(): void {
  // Linux: writing 5 to clear_refs resets the peak resident set size to the current one.
  writeFileSync('/proc/self/clear_refs', '5');
}

async function main(): Promise<void> {
  const entries = Math.round(crossCheckFullScale * flags.scale);
  const database = await benchDatabase(flags['database-url']);
  const report = new BenchReport('crosscheck');
  const app = await createApp(
    loadAppConfig({
      DATABASE_URL: database.url,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      RUN_PROJECTIONS: 'false',
      RUN_PROCESSORS: 'false',
      RUN_WORKERS: 'false',
    }),
  );
  try {
    await app.init();
    const seedStarted = performance.now();
    console.log(`writing ${figure(entries)} roster lines in ${rosters} rosters…`);
    await seedRosters(app.get<EventStore>(EVENT_STORE, { strict: false }), entries);
    const expectedHits = await seedRegistries(
      app.get<RegistryRows>(REGISTRY_ROWS, { strict: false }),
      entries,
    );
    console.log(`data written in ${figure((performance.now() - seedStarted) / 1000, 1)} s`);
    const crossCheck = app.get(CrossCheck, { strict: false });
    const runs: { label: string; result: CrossCheckResult; seconds: number; peak: number }[] = [];
    for (const label of ['first', 'again']) {
      global.gc?.();
      resetPeakRss();
      const before = peakRssMb();
      const started = performance.now();
      const result = await crossCheck.run({ division: county }, commission, `bench-${label}`);
      const seconds = (performance.now() - started) / 1000;
      const peak = peakRssMb();
      runs.push({ label, result, seconds, peak });
      report.add(`run-${label}`, 'seconds', seconds, 's');
      report.add(`run-${label}`, 'peak memory', peak, 'MB');
      report.add(`run-${label}`, 'memory at start', before, 'MB');
      report.add(`run-${label}`, 'subjects', result.subjects, 'lines');
      report.add(`run-${label}`, 'hits', result.hits, 'hits');
      report.add(`run-${label}`, 'raised', result.raised, 'findings');
      console.log(
        `cross-check (${label}): ${figure(result.subjects)} lines, ${figure(result.hits)} hits, ${figure(result.raised)} raised in ${figure(seconds, 1)} s; peak memory ${figure(peak)} MB (${figure(before)} MB at the start)`,
      );
    }
    const [first, again] = runs as [(typeof runs)[0], (typeof runs)[0]];
    if (first.result.subjects !== entries) {
      throw new Error(`the check read ${first.result.subjects} lines of ${entries}`);
    }
    if (first.result.hits !== expectedHits) {
      throw new Error(`${first.result.hits} hits, but ${expectedHits} were planted`);
    }
    if (again.result.raised !== 0 || again.result.hits !== first.result.hits) {
      throw new Error(
        `the re-run on unchanged data raised ${again.result.raised} findings (${again.result.hits} hits against ${first.result.hits})`,
      );
    }
    const { seconds, peak } = first;
    const scaleNote =
      entries < crossCheckFullScale ? ` (at ${figure(entries)} lines, not 1,000,000)` : '';
    console.log(
      `full run ${figure(seconds, 1)} s — target < ${secondsTarget} s: ${seconds < secondsTarget ? 'met' : 'MISSED'}${scaleNote}`,
    );
    console.log(
      `peak memory ${figure(peak)} MB — target < ${peakMbTarget} MB: ${peak < peakMbTarget ? 'met' : 'MISSED'}${scaleNote}`,
    );
    console.log('re-run on unchanged data raised nothing new: met');
    report.finish({ entries, rowsPerRegistry: entries, hitRate: flags['hit-rate'], expectedHits });
  } finally {
    await app.close();
    await database.close();
  }
}

runBench(main);
