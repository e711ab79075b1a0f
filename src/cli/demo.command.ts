import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';

export const demoHouseholdsDefault = 2_000;
/** `county`: households and payments (the default); `fuyuan`: the seed's cross-check case. */
export const demoScenarios = ['county', 'fuyuan'] as const;
export type DemoScenario = (typeof demoScenarios)[number];
const demoHouseholdsMax = 100_000;
const progressEveryMs = 5_000;

function parseCount(text: string): number {
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= demoHouseholdsMax)) {
    throw new CliError(
      `--households must be a whole number from 1 to ${demoHouseholdsMax} (got "${text}")`,
      1,
    );
  }
  return value;
}

function parseScale(text: string): number {
  const value = /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0 && value <= 1))
    throw new CliError(`--scale must be a number above 0 and at most 1 (got "${text}")`, 1);
  return value;
}

function parseScenario(text: string): DemoScenario {
  if (!(demoScenarios as readonly string[]).includes(text))
    throw new CliError(`--scenario must be one of ${demoScenarios.join(', ')} (got "${text}")`, 1);
  return text as DemoScenario;
}

function parseConcurrency(text: string): number {
  const value = /^\d{1,2}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= 32))
    throw new CliError(`--concurrency must be a whole number from 1 to 32 (got "${text}")`, 1);
  return value;
}

function parseSeed(text: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new CliError(`--seed must be a whole number (got "${text}")`, 1);
  return Number(text);
}

interface DemoOptions {
  scenario: DemoScenario;
  households?: number;
  seed?: number;
  databaseUrl?: string;
  scale?: number;
  out?: string;
  api?: string;
  concurrency?: number;
}

/**
 * `sunlight demo`: loads 富源县 (530325) into an empty store through the app's command bus —
 * its real townships and villages, synthetic households around the 3,500-yuan line, a fund line
 * allocated down the four levels and a payment to every household — so the dashboards and the
 * household cards have something to show. Refuses a store that already holds events (exit 1).
 */
export function demoCommand(context: CliContext): Command {
  return new Command('demo')
    .description(
      'load a demo county (富源县 530325) into an empty store: households, a fund line allocated down four levels, payments',
    )
    .option(
      '--households <count>',
      `households to register (default ${demoHouseholdsDefault})`,
      parseCount,
    )
    .option('--seed <n>', 'seed of the synthetic data (default 530325)', parseSeed)
    .option(
      '--database-url <url>',
      'PostgreSQL holding the log (default: DATABASE_URL, else the embedded database)',
    )
    .option(
      '--scenario <name>',
      `${demoScenarios.join(' or ')}: county (default) loads households and payments; fuyuan writes the seed's cross-check case (registries, a 9,555-applicant house-renovation roster, a fabricated industry roster) and, with --api, loads it through a running server`,
      parseScenario,
      'county' as DemoScenario,
    )
    .option(
      '--scale <share>',
      'fuyuan: share of the full size, above 0 and at most 1 (default 1)',
      parseScale,
    )
    .option('--out <dir>', 'fuyuan: directory the files are written to (default ./demo-fuyuan)')
    .option(
      '--api <url>',
      'fuyuan: base URL of a running `sunlight serve` (e.g. http://127.0.0.1:3000) to load the files through; tokens are signed with its JWT_SECRET',
    )
    .option('--concurrency <n>', 'fuyuan: payments approved at once (default 8)', parseConcurrency)
    .action(async (options: DemoOptions) => {
      if (options.scenario === 'fuyuan') {
        if (options.households !== undefined || options.databaseUrl !== undefined)
          throw new CliError(
            '--households and --database-url belong to the county scenario; fuyuan writes files and loads them with --api',
            1,
          );
        const { runFuyuanDemo } = await import('./demo-fuyuan');
        await runFuyuanDemo(context, options);
        return;
      }
      if (
        options.scale !== undefined ||
        options.out !== undefined ||
        options.api !== undefined ||
        options.concurrency !== undefined
      )
        throw new CliError(
          '--scale, --out, --api and --concurrency belong to --scenario fuyuan',
          1,
        );
      const config = loadAppConfig({
        ...context.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      });
      // Loaded here: every other command would pay for Nest and the app otherwise.
      const { assertEmptyStore, DemoStoreNotEmptyError, loadDemo, planDemo } =
        await import('../demo/load-demo');
      // The funds processor relays the money each level sends down; the demo waits for it.
      // Projections are not run here: `sunlight serve` catches them up from the log.
      const opened = await context.openApp({
        ...config,
        runProcessors: true,
        runProjections: false,
      });
      try {
        try {
          await assertEmptyStore(opened.app);
        } catch (error) {
          if (error instanceof DemoStoreNotEmptyError) throw new CliError(error.message, 1);
          throw error;
        }
        const households = planDemo(
          opened.app,
          options.households ?? demoHouseholdsDefault,
          options.seed ?? 530325,
        );
        const startedMs = context.now();
        let reportedMs = startedMs;
        const summary = await loadDemo(opened.app, households, (done, total) => {
          const nowMs = context.now();
          if (nowMs - reportedMs >= progressEveryMs) {
            reportedMs = nowMs;
            context.stderr.write(`demo: ${done} of ${total} households written\n`);
          }
        });
        const seconds = Math.max(0.001, (context.now() - startedMs) / 1_000);
        context.stdout.write(
          `demo loaded 富源县 (530325): ${summary.households} households, ${summary.people} people, ` +
            `${summary.exited} exited, ${summary.paidYuan} yuan paid to households, ` +
            `${summary.commands} commands in ${seconds.toFixed(1)} s\n`,
        );
      } finally {
        await opened.close();
      }
    });
}
