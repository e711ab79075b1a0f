import { Command } from 'commander';
import type { RecordedEvent } from '@sunlight/event-store';
import type { PostgresEventStore } from '@sunlight/event-store/postgres';
import type { Projection, ReadStore } from '@sunlight/read-store';
import { loadAppConfig } from '../config/app-config';
import { rebuildBatchSizeMaxDefault, type RebuildOutcome } from '../read-models/rebuild-in-workers';
import { CliError, type CliContext } from './cli-context';
import { resolveCliDatabase } from './verify.command';
import { createProgressReporter } from './verify-progress';

export const readModelsDifferExitCode = 3;
/** A batch holds its events and the documents they touch in memory; past this it is no help. */
export const rebuildBatchSizeMax = 1_000_000;

function parseBatchSize(text: string): number {
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= rebuildBatchSizeMax)) {
    throw new CliError(
      `--batch-size must be a whole number of events from 1 to ${rebuildBatchSizeMax} (got "${text}")`,
      1,
    );
  }
  return value;
}

/**
 * `sunlight projections rebuild [name]` fills a new generation of each projection (all at once,
 * each in a worker thread) from the start of the log while the serving one keeps answering,
 * then switches (running apps follow within seconds). `sunlight projections check` recomputes
 * every read model in memory from the log and compares it with what is stored.
 */
export function projectionsCommand(context: CliContext): Command {
  const group = new Command('projections').description(
    'rebuild or check the read models (dashboards, histories)',
  );
  group
    .command('rebuild [name]')
    .description('rebuild a projection (or all) from zero beside the serving one, then switch')
    .option(
      '--database-url <url>',
      'PostgreSQL holding the log (default: DATABASE_URL, else the embedded database)',
    )
    .option(
      '--batch-size <events>',
      `events applied per batch (default ${rebuildBatchSizeMaxDefault}; smaller takes less memory and reports progress more often)`,
      parseBatchSize,
    )
    .action(
      async (name: string | undefined, options: { databaseUrl?: string; batchSize?: number }) => {
        const config = loadAppConfig({
          ...context.env,
          ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
        });
        // Loaded here rather than at the top: every other command would pay for them otherwise.
        const { appProjections, loadDivisionRegistry } = await import('./app-libraries');
        const chosen = select(appProjections(loadDivisionRegistry()), name).map(
          (projection) => projection.name,
        );
        const database = await resolveCliDatabase(context, config);
        try {
          const outcomes = await rebuildAll(
            context,
            config,
            database.url,
            chosen,
            options.batchSize,
          );
          let failures = 0;
          for (const [index, outcome] of outcomes.entries()) {
            if (outcome.status === 'rejected') {
              // The other projections carry on; this one's serving version stays active.
              failures += 1;
              const reason =
                outcome.reason instanceof Error
                  ? `${outcome.reason.name}: ${outcome.reason.message}`
                  : String(outcome.reason);
              context.stderr.write(`rebuild of ${chosen[index]} failed: ${reason}\n`);
              continue;
            }
            const { projection, version, events, ms } = outcome.value;
            context.stdout.write(
              `rebuilt ${projection} (storage version ${version}): ${events} events in ${(ms / 1000).toFixed(1)} s ` +
                `(${Math.round((events / Math.max(ms, 1)) * 1000)} events/s); now serving\n`,
            );
          }
          if (failures > 0)
            throw new CliError(
              `${failures} of ${chosen.length} projections were not rebuilt; their serving versions stay active`,
              1,
            );
          // The last line, and only on success: scripts and tests judge the run by it and the
          // exit code, since stderr also carries progress lines.
          context.stdout.write(
            `rebuild done: ${chosen.length} of ${chosen.length} projections rebuilt and serving\n`,
          );
        } finally {
          await database.close();
        }
      },
    );
  group
    .command('check')
    .description(
      'recompute every read model from the log in memory and compare it with the stored one; exit 3 on any difference',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL holding the log (default: DATABASE_URL, else the embedded database)',
    )
    .action(async (options: { databaseUrl?: string }) => {
      const { checkReadModel } = await import('./app-libraries');
      await withStores(context, options.databaseUrl, async ({ store, readStore, projections }) => {
        let differing = 0;
        for (const projection of projections) {
          const version = await readStore.activeVersion(projection.name);
          if (version === undefined) {
            context.stdout.write(`${projection.name}: no active version yet; nothing to check\n`);
            continue;
          }
          const { position, checked, differences } = await checkReadModel({
            readStore,
            projection,
            version,
            events: (after, upTo) => eventsBetween(store, after, upTo),
          });
          differing += differences.length;
          context.stdout.write(
            `${projection.name} (storage version ${version}, up to position ${position ?? 'none'}): ` +
              `${checked} documents checked, ${differences.length} differ\n`,
          );
          for (const difference of differences)
            context.stdout.write(`  ${JSON.stringify(difference)}\n`);
        }
        if (differing > 0)
          throw new CliError(
            `${differing} read-model documents differ from the log`,
            readModelsDifferExitCode,
          );
      });
    });
  return group;
}

/**
 * Prepares the database as its owner, then rebuilds each projection in a worker thread of its
 * own, all at once (rebuild-in-workers.ts), logged in as the projections' role. When the
 * database cannot be prepared, every projection has failed for that reason.
 */
async function rebuildAll(
  context: CliContext,
  config: ReturnType<typeof loadAppConfig>,
  ownerUrl: string,
  chosen: readonly string[],
  batchSize: number | undefined,
): Promise<PromiseSettledResult<RebuildOutcome>[]> {
  const { prepareDatabaseAccess, rebuildInWorkers } = await import('./app-libraries');
  let projectorUrl: string;
  try {
    ({ projectorUrl } = await prepareDatabaseAccess(ownerUrl, config));
  } catch (error) {
    return chosen.map(() => ({ status: 'rejected', reason: error }));
  }
  const progress = new Map(
    chosen.map((projection) => [
      projection,
      createProgressReporter(context, `rebuilding ${projection}`, chosen.length > 1),
    ]),
  );
  try {
    return await rebuildInWorkers({
      databaseUrl: projectorUrl,
      readStore: config,
      projections: chosen,
      ...(batchSize === undefined ? {} : { runner: { catchUpBatchSizeMax: batchSize } }),
      onProgress: (projection, applied, head) =>
        progress
          .get(projection)
          ?.update(applied, Math.max(applied, head === undefined ? applied : Number(BigInt(head)))),
      ...(context.rebuildWorkerFile === undefined ? {} : { workerFile: context.rebuildWorkerFile }),
    });
  } finally {
    for (const reporter of progress.values()) reporter.stop();
  }
}

function select(
  projections: readonly Projection[],
  name: string | undefined,
): readonly Projection[] {
  if (name === undefined) return projections;
  const chosen = projections.filter((projection) => projection.name === name);
  if (chosen.length === 0) {
    throw new CliError(
      `no projection named ${name}; known: ${projections.map((projection) => projection.name).join(', ')}`,
      1,
    );
  }
  return chosen;
}

/** The log's events after `after` (exclusive; from the first when undefined) up to and including `upTo`. */
async function* eventsBetween(
  store: PostgresEventStore,
  after: string | undefined,
  upTo: string,
): AsyncIterable<RecordedEvent> {
  for await (const event of store.readAll({ after })) {
    if (event.position > upTo) return;
    yield event;
  }
}

async function withStores(
  context: CliContext,
  databaseUrl: string | undefined,
  work: (stores: {
    store: PostgresEventStore;
    readStore: ReadStore;
    projections: readonly Projection[];
  }) => Promise<void>,
): Promise<void> {
  const config = loadAppConfig({
    ...context.env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const {
    PostgresEventStore,
    projectorRoleName,
    appProjections,
    loadDivisionRegistry,
    openReadStore,
    prepareDatabaseAccess,
  } = await import('./app-libraries');
  const database = await resolveCliDatabase(context, config);
  try {
    const access = await prepareDatabaseAccess(database.url, config);
    const store = await PostgresEventStore.open({
      connectionString: access.projectorUrl,
      role: projectorRoleName,
      migrate: false,
    });
    try {
      const readStore = await openReadStore(config, access.projectorUrl);
      try {
        await work({ store, readStore, projections: appProjections(loadDivisionRegistry()) });
      } finally {
        await readStore.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await database.close();
  }
}
