import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';
import { resolveCliDatabase } from './verify.command';

/** The draw recorded is not the one the log gives: the sample, the population or the seed differ. */
export const spotCheckMismatchExitCode = 16;
/** No spot check under that id in the log. */
export const spotCheckNotFoundExitCode = 17;

const spotCheckIdShape = /^sc-\d{2,12}-[0-9a-f]{12}$/;

/**
 * `sunlight spot-check verify <id>`: reads the draw's SpotCheckDrawn from the log, checks its seed
 * hash against the log's chain hash at the seed position, reads the population again up to the
 * recorded position and draws again; exit 0 when everything matches, 10 naming each difference.
 */
export function spotCheckCommand(context: CliContext): Command {
  const group = new Command('spot-check').description('spot checks (抽查): recompute a draw');
  group
    .command('verify <spotCheckId>')
    .description(
      `recompute a spot check's draw from the log and say whether it matches (exit 0), differs (exit ${spotCheckMismatchExitCode}) or is unknown (exit ${spotCheckNotFoundExitCode})`,
    )
    .option(
      '--database-url <url>',
      'PostgreSQL holding the log (default: DATABASE_URL, else the embedded database)',
    )
    .action(async (spotCheckId: string, options: { databaseUrl?: string }) => {
      if (!spotCheckIdShape.test(spotCheckId))
        throw new CliError(
          `not a spot-check id: "${spotCheckId}" (sc-<division code>-<12 hex digits>)`,
          1,
        );
      const config = loadAppConfig({
        ...context.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      });
      // Loaded here rather than at the top: every other command would pay for them otherwise.
      const { PostgresEventStore, PostgresChainHashes, loadDivisionRegistry, verifySpotCheck } =
        await import('./app-libraries');
      const database = await resolveCliDatabase(context, config);
      try {
        // The log is read as the login given, as `sunlight verify` reads it: nothing is written.
        const store = await PostgresEventStore.open({
          connectionString: database.url,
          role: false,
          migrate: false,
          poolSize: 2,
        });
        try {
          const divisions = loadDivisionRegistry();
          const result = await verifySpotCheck(
            {
              store,
              chainHashes: new PostgresChainHashes(store.pool),
              isWithin: (code, divisionCode) => divisions.isWithin(code, divisionCode),
            },
            spotCheckId,
          );
          switch (result.status) {
            case 'match':
              context.stdout.write(`match: ${result.summary}\n`);
              return;
            case 'not-found':
              throw new CliError(
                `no spot check ${spotCheckId} in the log`,
                spotCheckNotFoundExitCode,
              );
            case 'mismatch':
              throw new CliError(
                [
                  `mismatch: spot check ${spotCheckId} does not recompute from the log:`,
                  ...result.problems.map((problem) => `  ${problem}`),
                ].join('\n'),
                spotCheckMismatchExitCode,
              );
          }
        } finally {
          await store.close();
        }
      } finally {
        await database.close();
      }
    });
  return group;
}
