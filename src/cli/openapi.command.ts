import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { loadAppConfig } from '../config/app-config';
import type { CliContext } from './cli-context';

/**
 * `sunlight openapi`: prints the OpenAPI document the app serves at /docs-json (or writes it to
 * a file), without starting a database or the server, for client generators and linters.
 */
export function openApiCommand(context: CliContext): Command {
  return new Command('openapi')
    .description('print the OpenAPI document of the HTTP API (no database needed)')
    .option('--output <file>', 'write it to this file instead of stdout')
    .action(async (options: { output?: string }) => {
      const config = loadAppConfig({ ...context.env, LOG_LEVEL: 'silent' });
      const text = `${JSON.stringify(await context.describeApi(config), null, 2)}\n`;
      if (options.output === undefined) {
        context.stdout.write(text);
        return;
      }
      await writeFile(options.output, text);
      context.stdout.write(`wrote the OpenAPI document to ${options.output}\n`);
    });
}
