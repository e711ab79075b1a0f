import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import type { CliContext } from './cli-context';

/** `sunlight worker`: job workers without HTTP, configured from the environment like `serve`. */
export function workerCommand(context: CliContext): Command {
  return new Command('worker')
    .description(
      'run the job workers without HTTP; needs DATABASE_URL, and REDIS_URL when the API instances use Redis',
    )
    .action(async () => {
      const { bootstrapWorker } = await import('../worker');
      await bootstrapWorker(loadAppConfig(context.env));
      // Runs until SIGINT/SIGTERM, when the workers finish the jobs in hand and the process exits.
      await new Promise<never>(() => undefined);
    });
}
