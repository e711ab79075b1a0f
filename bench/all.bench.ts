/**
 * `npm run bench`: every benchmark at a small `--scale` (default 0.05), one after another, each
 * in a process of its own, then one table of every ratio against its target with the absolute
 * figures beside it, so a reader sees at a glance where the project stands on whatever machine
 * runs it. Each ratio divides a figure by a reference measured in the same run, alternately with
 * it, since the 2-core machines this project runs on change speed twofold from day to day.
 *
 * A missed target is no failure: the table says MISSED, every benchmark's JSON is written, and
 * the exit code is 0. A benchmark that fails (exit code not 0) makes this exit 1, after the rest.
 * Flags: --scale S, --database-url URL (each benchmark makes a new database on that server).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readBenchFlags, runBench } from './support/bench-flags';
import { allFlags } from './support/bench-options';
import type { BenchRatio } from './support/bench-report';

interface Step {
  bench: string;
  script: string;
  args: (scale: number) => string[];
}

/** Seconds of load per measured run at a small scale; the full-scale default is 20. */
const smallLoadSeconds = 6;

const steps: Step[] = [
  {
    bench: 'append',
    script: 'dist/bench/append.bench.js',
    args: (scale) => ['--scale', `${scale}`],
  },
  {
    bench: 'append-baselines',
    script: 'dist/bench/reference/baseline-append.js',
    args: (scale) => ['--scale', `${scale}`, '--rounds', '2', '--stores', 'sunlight,unchained'],
  },
  {
    bench: 'ledger',
    script: 'dist/bench/ledger.bench.js',
    args: (scale) => [
      '--scale',
      `${scale}`,
      '--rounds',
      '2',
      '--long-pool-events',
      `${Math.max(1_000, Math.round(100_000 * scale))}`,
    ],
  },
  {
    bench: 'integrity',
    script: 'dist/bench/integrity.bench.js',
    args: (scale) => [
      '--scale',
      `${scale}`,
      '--append-scale',
      '0.25',
      '--rounds',
      '2',
      '--proof-seconds',
      '3',
    ],
  },
  {
    bench: 'projections',
    script: 'dist/bench/projections.bench.js',
    args: (scale) => [
      '--scale',
      `${scale}`,
      '--adapters',
      'postgres',
      '--concurrency',
      '4',
      '--rounds',
      '2',
      '--load-seconds',
      `${smallLoadSeconds}`,
      '--lag-seconds',
      `${smallLoadSeconds}`,
    ],
  },
  {
    bench: 'roster',
    script: 'dist/bench/roster.bench.js',
    args: (scale) => ['--scale', `${Math.min(2, Math.max(0.01, scale))}`],
  },
  {
    bench: 'feeds',
    script: 'dist/bench/feeds.bench.js',
    args: (scale) => [
      '--scale',
      `${Math.min(2, Math.max(0.01, scale))}`,
      '--seconds',
      `${smallLoadSeconds}`,
    ],
  },
  {
    bench: 'webhooks',
    script: 'dist/bench/webhooks.bench.js',
    args: (scale) => ['--scale', `${Math.min(2, Math.max(0.01, scale))}`],
  },
];

function run(script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(script), ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The newest `bench/results/<bench>-*.json` written since `sinceMs`. */
function resultsOf(
  bench: string,
  sinceMs: number,
): { file: string; ratios: BenchRatio[] } | undefined {
  const directory = path.resolve('bench/results');
  const files = readdirSync(directory)
    .filter((name) => name.startsWith(`${bench}-`) && /^\d/.test(name.slice(bench.length + 1)))
    .map((name) => path.join(directory, name))
    .filter((file) => statSync(file).mtimeMs >= sinceMs)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const file = files[0];
  if (file === undefined) return undefined;
  const document = JSON.parse(readFileSync(file, 'utf8')) as { ratios?: BenchRatio[] };
  return { file, ratios: document.ratios ?? [] };
}

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), allFlags);
  const started = performance.now();
  const failed: string[] = [];
  const rows: (BenchRatio & { bench: string })[] = [];
  const files: string[] = [];
  for (const step of steps) {
    const args = [
      ...step.args(flags.scale),
      ...(flags['database-url'] === undefined ? [] : ['--database-url', flags['database-url']]),
    ];
    console.log(`\n=== ${step.bench}: node ${step.script} ${args.join(' ')}`);
    const stepStarted = Date.now();
    const code = await run(step.script, args);
    if (code !== 0) failed.push(`${step.bench} (exit code ${code})`);
    const results = resultsOf(step.bench, stepStarted);
    if (results === undefined) continue;
    files.push(path.relative(process.cwd(), results.file));
    rows.push(...results.ratios.map((ratio) => ({ bench: step.bench, ...ratio })));
  }
  const minutes = (performance.now() - started) / 60_000;
  console.log(`\nEvery benchmark at --scale ${flags.scale}, in ${minutes.toFixed(1)} min:`);
  console.table(
    rows.map((row) => ({
      ratio: row.name,
      value: row.value,
      target: `${row.direction === 'atLeast' ? '≥' : '≤'} ${row.target}`,
      met: row.met ? 'yes' : 'MISSED',
      figures: row.figures,
    })),
  );
  const summary = path.resolve(
    'bench/results',
    `all-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(
    summary,
    `${JSON.stringify({ scale: flags.scale, minutes, results: files, failed, ratios: rows }, null, 2)}\n`,
  );
  console.log(`summary written to ${path.relative(process.cwd(), summary)}`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

runBench(main);
