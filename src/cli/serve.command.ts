import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import type { CliContext } from './cli-context';

/** `sunlight serve`: the HTTP API, configured from the environment exactly like `main.ts`. */
export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('start the HTTP API (configured by PORT, HOST, DATABASE_URL, ...)')
    .action(async () => {
      await context.bootstrap(loadAppConfig(context.env));
      // Never settles: the server runs until SIGINT/SIGTERM, when Nest's shutdown hooks close it
      // and end the process. Returning would let the caller exit as after a one-shot command.
      await new Promise<never>(() => undefined);
    });
}
