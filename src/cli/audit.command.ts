import { Command } from 'commander';
import { CliError, type CliContext } from './cli-context';

/**
 * `sunlight audit DIR --log-key … [--witness-key LEVEL:VKEY]… [--require-level LEVEL]…`: hands
 * its arguments to the offline auditor (src/auditor/main.ts), which imports nothing of the app
 * and can also run alone as `node dist/src/auditor/main.js`.
 */
export function auditCommand(context: CliContext): Command {
  return new Command('audit')
    .description(
      'check an export bundle offline against the log and witness keys (exit codes: sunlight audit --help)',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]')
    .action(async (args: string[]) => {
      const { runAudit } = await import('../auditor/main');
      const exitCode = await runAudit(args, context.stdout, context.stderr);
      if (exitCode !== 0) throw new CliError('', exitCode);
    });
}
