import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { auditCommand } from './cli/audit.command';
import { CliError, processCliContext, type CliContext } from './cli/cli-context';
import { exportCommand } from './cli/export.command';
import { demoCommand } from './cli/demo.command';
import { logKeyCommand } from './cli/log-key.command';
import { openApiCommand } from './cli/openapi.command';
import { projectionsCommand } from './cli/projections.command';
import { serveCommand } from './cli/serve.command';
import { spotCheckCommand } from './cli/spot-check.command';
import { tokenCommand } from './cli/token.command';
import { verifyCommand } from './cli/verify.command';
import { witnessKeyCommand } from './cli/witness-key.command';
import { witnessCommand } from './cli/witness.command';
import { workerCommand } from './cli/worker.command';
import { installTerminationSignals } from './process-signals';

/**
 * The `sunlight` command. Each subcommand lives in `cli/<name>.command.ts` and is added here;
 * a group such as `projections rebuild` is a Command holding its own subcommands.
 */
export function buildCli(context: CliContext = processCliContext()): Command {
  return (
    new Command('sunlight')
      .description('Sunlight (阳光): audit-grade tracking of public poverty-alleviation funds')
      .configureOutput({
        writeOut: (text) => void context.stdout.write(text),
        writeErr: (text) => void context.stderr.write(text),
      })
      // Commander would call process.exit itself; throwing lets runCli pick the exit code instead.
      .exitOverride()
      .showHelpAfterError()
      .addCommand(serveCommand(context))
      .addCommand(verifyCommand(context))
      .addCommand(tokenCommand(context))
      .addCommand(projectionsCommand(context))
      .addCommand(workerCommand(context))
      .addCommand(logKeyCommand(context))
      .addCommand(openApiCommand(context))
      .addCommand(witnessCommand(context))
      .addCommand(witnessKeyCommand(context))
      .addCommand(exportCommand(context))
      .addCommand(auditCommand(context))
      .addCommand(demoCommand(context))
      .addCommand(spotCheckCommand(context))
  );
}

/** Runs one command line and returns its exit code; `serve` never returns. */
export async function runCli(
  argv: readonly string[],
  context: CliContext = processCliContext(),
): Promise<number> {
  try {
    await buildCli(context).parseAsync([...argv], { from: 'node' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      // A command that wrote its own report (audit) ends with an empty message.
      if (error.message !== '') context.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    context.stderr.write(`sunlight: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * The process entry (bin/sunlight.js, `node dist/src/cli.js`): signals end a one-shot command
 * with the shell's code for them unless `serve` installed its graceful shutdown, and the exit
 * is explicit so that no timer left behind can hold the process.
 */
export function main(argv: readonly string[] = process.argv): void {
  installTerminationSignals();
  void runCli(argv).then((exitCode) => process.exit(exitCode));
}

if (require.main === module) main();
