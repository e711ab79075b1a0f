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

/**
 * A figure divided by a reference measured in the same run (alternately with it, so both saw the
 * machine alike), against the target. A missed target is reported, never an error.
 */
export interface BenchRatio {
  name: string;
  /** The median of the rounds' ratios. */
  value: number;
  target: number;
  direction: 'atLeast' | 'atMost';
  met: boolean;
  /** Each round's ratio, in the order measured. */
  rounds: number[];
  /** The absolute figures behind it, for a reader: "1,210 vs 1,935 requests/s". */
  figures: string;
}

export class BenchReport {
  private readonly results: BenchResult[] = [];
  private readonly ratios: BenchRatio[] = [];
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly bench: string) {}

  add(workload: string, metric: string, value: number, unit: string): void {
    this.results.push({ workload, metric, value: Math.round(value * 100) / 100, unit });
  }

  /**
   * Records and prints a ratio from its rounds (each the measured figure over the reference
   * measured beside it).
   */
  ratio(
    name: string,
    rounds: readonly number[],
    target: { atLeast: number } | { atMost: number },
    figures: string,
  ): BenchRatio {
    const value = median(rounds);
    const direction = 'atLeast' in target ? 'atLeast' : 'atMost';
    const bound = 'atLeast' in target ? target.atLeast : target.atMost;
    const met = direction === 'atLeast' ? value >= bound : value <= bound;
    const ratio: BenchRatio = {
      name,
      value: Math.round(value * 1000) / 1000,
      target: bound,
      direction,
      met,
      rounds: rounds.map((round) => Math.round(round * 1000) / 1000),
      figures,
    };
    this.ratios.push(ratio);
    console.log(
      `ratio ${name}: ${ratio.value} (target ${direction === 'atLeast' ? '≥' : '≤'} ${bound}: ${met ? 'met' : 'MISSED'}; rounds ${ratio.rounds.join(', ')}) — ${figures}`,
    );
    return ratio;
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
      ratios: this.ratios,
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

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** 1234.5 → "1,235"; for the figures beside a ratio. */
export function figure(value: number, digits = 0): string {
  return value.toLocaleString('en', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
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
