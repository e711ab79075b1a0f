import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';
import { resolveCliDatabase } from './verify.command';

interface ExportCommandOptions {
  division: string;
  from?: string;
  to?: string;
  out: string;
  databaseUrl?: string;
}

/**
 * `sunlight export --division CODE [--from P|DATE] [--to P|DATE] --out DIR`: an export bundle for
 * an auditor or a court, checked offline by `sunlight audit` (src/auditor/).
 */
export function exportCommand(context: CliContext): Command {
  return new Command('export')
    .description(
      "write an export bundle of a division's events with the signed checkpoints, cosignatures and proofs, for sunlight audit",
    )
    .requiredOption('--division <code>', 'whose events go in full (its streams and those below)')
    .option('--from <position|date>', 'first log position, or ISO date or date-time (default 1)')
    .option(
      '--to <position|date>',
      "last log position, or ISO date or date-time (default: the anchor checkpoint's size)",
    )
    .requiredOption('--out <dir>', 'a new or empty directory')
    .option('--database-url <url>', 'the log (default: DATABASE_URL, else the embedded database)')
    .action(async (options: ExportCommandOptions) => {
      if (!/^[0-9]{2,12}$/.test(options.division)) {
        throw new CliError('--division must be a division code of 2 to 12 digits', 2);
      }
      const config = loadAppConfig({
        ...context.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      });
      const database = await resolveCliDatabase(context, config);
      try {
        const { writeExportBundle } = await import('./export-bundle');
        const summary = await writeExportBundle({
          connectionString: database.url,
          division: options.division,
          ...(options.from === undefined ? {} : { from: options.from }),
          ...(options.to === undefined ? {} : { to: options.to }),
          out: options.out,
        });
        context.stdout.write(
          `exported positions ${summary.from}–${summary.to} to ${options.out}: ${summary.inFull} events of ` +
            `${options.division} in full, ${summary.byLeafHash} others by leaf hash, ${summary.checkpoints} ` +
            `checkpoints up to the one of ${summary.anchor} events (${summary.cosignatures} cosignatures)\n`,
        );
      } finally {
        await database.close();
      }
    });
}
