import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveJwtSecret } from '@sunlight/auth/jwt';
import { loadDivisionRegistry } from '@sunlight/geo';
import { loadAppConfig } from '../config/app-config';
import {
  csvOf,
  fuyuanPlanted,
  planFuyuanScenario,
  type FuyuanScenario,
} from '../demo/fuyuan/fuyuan-scenario';
import { FuyuanLoadError, fuyuanActors, loadFuyuan } from '../demo/fuyuan/load-fuyuan';
import { CliError, type CliContext } from './cli-context';

export interface FuyuanDemoOptions {
  seed?: number;
  scale?: number;
  out?: string;
  api?: string;
  concurrency?: number;
}

/**
 * `sunlight demo --scenario fuyuan`: writes the scenario's files (six registry snapshots, three
 * rosters, scenario.json with what was planted) and, with --api, loads them through a running
 * server. Without --api it says how to load them by hand.
 */
export async function runFuyuanDemo(
  context: CliContext,
  options: FuyuanDemoOptions,
): Promise<void> {
  const scenario = planFuyuanScenario(loadDivisionRegistry(), {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
  });
  const out = path.resolve(options.out ?? 'demo-fuyuan');
  const written = await writeScenario(scenario, out);
  const applicants = scenario.rosters.find((r) => r.key === 'house-renovation')?.file.rows.length;
  context.stdout.write(
    `fuyuan scenario (seed ${scenario.seed}, scale ${scenario.scale}) written to ${out}: ` +
      `${written.length} files; ${applicants} house-renovation applicants, planted ` +
      Object.entries(fuyuanPlanted)
        .map(([rule, count]) => `${count} ${rule}`)
        .join(', ') +
      `; a fabricated industry roster of ${scenario.expected.fabricated.length} lines, ` +
      `${scenario.rosters.find((r) => r.key === 'industry-fabricated')?.totalYuan} yuan\n`,
  );
  if (options.api === undefined) {
    context.stdout.write(
      'not loaded (no --api): start `sunlight serve` and run this again with --api http://127.0.0.1:3000, ' +
        'or upload registries/*.csv to POST /api/v1/registries/:kind/snapshots and rosters/*.csv to POST /api/v1/rosters as scenario.json lists them\n',
    );
    return;
  }
  const { secret } = await resolveJwtSecret(loadAppConfig(context.env));
  let summary;
  try {
    summary = await loadFuyuan(scenario, {
      baseUrl: options.api,
      jwtSecret: secret,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      progress: (line) => void context.stderr.write(`demo: ${line}\n`),
    });
  } catch (error) {
    if (error instanceof FuyuanLoadError || (error as Error).name === 'TypeError')
      throw new CliError(`loading through ${options.api} failed: ${(error as Error).message}`, 1);
    throw error;
  }
  await writeFile(path.join(out, 'loaded.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const roster of summary.rosters)
    context.stdout.write(
      `roster ${roster.key}: ${roster.rosterId} (sha256 ${roster.fileSha256}), ${roster.accepted} accepted, ` +
        `${roster.rejected} refused, ${roster.paid} paid; uploaded by ${roster.uploadedBy}, approved by ${roster.approvedBy}\n`,
    );
  context.stdout.write(
    `fuyuan scenario loaded through ${options.api}: ${summary.snapshots.length} registry snapshots, ` +
      `${summary.rosters.length} rosters approved and paid; run the cross-checks of division ${scenario.county} as ${fuyuanActors(scenario).commission.id}\n`,
  );
}

async function writeScenario(scenario: FuyuanScenario, out: string): Promise<string[]> {
  await mkdir(path.join(out, 'registries'), { recursive: true });
  await mkdir(path.join(out, 'rosters'), { recursive: true });
  const written: string[] = [];
  const write = async (relative: string, text: string) => {
    await writeFile(path.join(out, relative), text);
    written.push(relative);
  };
  for (const registry of scenario.registries)
    await write(path.join('registries', `${registry.kind}.csv`), csvOf(registry.file));
  for (const roster of scenario.rosters)
    await write(path.join('rosters', `${roster.key}.csv`), csvOf(roster.file));
  const manifest = {
    county: scenario.county,
    seed: scenario.seed,
    scale: scenario.scale,
    funds: scenario.funds,
    registries: scenario.registries.map((registry) => ({
      kind: registry.kind,
      asOf: registry.asOf,
      divisionCode: scenario.county,
      file: path.join('registries', `${registry.kind}.csv`),
      rows: registry.file.rows.length,
    })),
    rosters: scenario.rosters.map((roster) => ({
      key: roster.key,
      fundId: roster.fundId,
      divisionCode: roster.divisionCode,
      purpose: roster.purpose,
      period: roster.period,
      file: path.join('rosters', `${roster.key}.csv`),
      lines: roster.file.rows.length,
      totalYuan: roster.totalYuan,
    })),
    expected: scenario.expected,
  };
  await write('scenario.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return written;
}
