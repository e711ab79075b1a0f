import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

/** One figure of a benchmark run, shaped as docs/design.md §8 asks. */
export interface BenchResult {
  workload: string;
  metric: string;
  value: number;
  unit: string;
}

export class BenchReport {
  private readonly results: BenchResult[] = [];
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly bench: string) {}

  add(workload: string, metric: string, value: number, unit: string): void {
    this.results.push({ workload, metric, value: Math.round(value * 100) / 100, unit });
  }

  /** Prints the table and writes `bench/results/<bench>-<UTC timestamp>.json`; returns its path. */
  finish(extra: Record<string, unknown> = {}): string {
    console.table(this.results);
    const document = {
      bench: this.bench,
      commit: gitCommit(),
      node: process.version,
      cpus: cpus().length,
      startedAt: this.startedAt,
      ...extra,
      results: this.results,
    };
    const directory = path.resolve('bench/results');
    mkdirSync(directory, { recursive: true });
    const stamp = this.startedAt.replace(/[:.]/g, '-');
    const file = path.join(directory, `${this.bench}-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`results written to ${path.relative(process.cwd(), file)}`);
    return file;
  }
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export function latencySummary(latenciesMs: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** `--name value` and `--name=value` flags. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--'))
      flags.set(name, argv[(i += 1)]);
    else flags.set(name, 'true');
  }
  return flags;
}
