import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';
import { createProgressReporter } from './verify-progress';

export const chainBrokenExitCode = 2;
// Enough of the embedded server's own output to explain why it did not start.
const startupLogLinesMax = 20;

/**
 * `sunlight verify`: recomputes the hash chain over the whole log, straight from the table, and
 * says whether any event was altered, removed or reordered since it was written.
 */
export function verifyCommand(context: CliContext): Command {
  return new Command('verify')
    .description(
      'recompute the hash chain of the whole event log and report the first break, if any',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL to verify (default: DATABASE_URL, else the embedded database)',
    )
    .action(async (options: { databaseUrl?: string }) => {
      const config = loadAppConfig({
        ...context.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      });
      const database = await resolveCliDatabase(context, config);
      try {
        const progress = createProgressReporter(context);
        let result;
        try {
          result = await context.verifyPostgresLog({
            connectionString: database.url,
            onProgress: progress.update,
          });
        } catch (error) {
          throw explainVerifyFailure(error);
        } finally {
          progress.stop();
        }
        if (!result.ok) {
          const { position, kind, detail } = result.firstBreak;
          throw new CliError(
            `chain broken at position ${position}: ${kind}: ${detail}`,
            chainBrokenExitCode,
          );
        }
        context.stdout.write(
          `verified ${result.eventsChecked} events; head position ${result.headPosition ?? 'none'}; ` +
            `head hash ${result.headHash.toString('hex')}\n`,
        );
      } finally {
        await database.close();
      }
    });
}

// PostgreSQL's undefined_table: the database was never migrated, so it holds no log at all.
const undefinedTableCode = '42P01';

function explainVerifyFailure(error: unknown): unknown {
  if ((error as { code?: unknown })?.code === undefinedTableCode) {
    return new CliError(
      'no event log in this database (table "events" does not exist); is this the right database?',
      1,
    );
  }
  return error;
}

/** The log's database for a one-shot command (verify, projections): DATABASE_URL's, else the embedded one. */
export async function resolveCliDatabase(
  context: CliContext,
  config: ReturnType<typeof loadAppConfig>,
) {
  const serverLog: string[] = [];
  try {
    return await context.resolveDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      embeddedPort: config.embeddedPgPort,
      onLog: (line) => {
        serverLog.push(line);
        if (serverLog.length > startupLogLinesMax) serverLog.shift();
      },
    });
  } catch (error) {
    // Start-up failures the library could name (port taken, DATABASE_URL unreachable, an
    // unusable data directory, a damaged cluster) already say what to change, in one line.
    // Told apart by name: importing the class would load the driver for every command.
    if ((error as Error | undefined)?.name === 'DatabaseStartupError') {
      throw new CliError((error as Error).message, 1);
    }
    if (config.databaseUrl) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      [
        `could not start the embedded PostgreSQL in ${config.dataDir}: ${reason}`,
        ...serverLog.map((line) => `  ${line.trimEnd()}`),
        `If \`sunlight serve\` is running on this data directory, use its database instead: ` +
          `--database-url postgres://postgres:sunlight@127.0.0.1:${config.embeddedPgPort}/sunlight`,
      ].join('\n'),
      1,
    );
  }
}
