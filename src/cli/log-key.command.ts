import { Command } from 'commander';
import { resolveLogKey } from '@sunlight/keys';
import { loadAppConfig } from '../config/app-config';
import type { CliContext } from './cli-context';

/**
 * `sunlight log-key`: prints the log's public checkpoint key as a C2SP verifier key
 * (`<name>+<key id>+<key>`), the one line witnesses and auditors are given. It resolves the
 * key as the server does (SUNLIGHT_LOG_KEY, else `<SUNLIGHT_DATA_DIR>/log-key`, generated there
 * on first use) and never prints the private key.
 */
export function logKeyCommand(context: CliContext): Command {
  return new Command('log-key')
    .description("print the log's public checkpoint key (a C2SP vkey) for witnesses and auditors")
    .action(async () => {
      const config = loadAppConfig(context.env);
      const key = await resolveLogKey(config);
      context.stdout.write(`${key.verifierKey}\n`);
    });
}
