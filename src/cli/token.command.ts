import { Command } from 'commander';
// Not @sunlight/auth's index, which loads Nest: a token needs a key and a signature.
import {
  actorIdLengthMax,
  actorNameLengthMax,
  isRole,
  parseTokenLifetime,
  personalDataScope,
  resolveJwtSecret,
  roles,
  scopesProblem,
  signAccessToken,
} from '@sunlight/auth/jwt';
import { divisionCodeFormatMessage, isDivisionCode, loadDivisionRegistry } from '@sunlight/geo';
import { loadAppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';

interface TokenOptions {
  user: string;
  role: string;
  division: string;
  name?: string;
  scope: string[];
  expiresIn: string;
}

/**
 * `sunlight token`: signs a bearer token with the same key the server resolves (JWT_SECRET, else
 * `<SUNLIGHT_DATA_DIR>/jwt-secret`), and prints only the token so `TOKEN=$(npx sunlight token …)` works.
 */
export function tokenCommand(context: CliContext): Command {
  return (
    new Command('token')
      .description(
        'issue a bearer token (JWT) for a user, role and jurisdiction; prints only the token',
      )
      .requiredOption(
        '--user <id>',
        'user id, recorded as the actor of every event the token is used for',
      )
      .requiredOption('--role <role>', `one of ${roles.join(', ')}`)
      .requiredOption(
        '--division <code>',
        'jurisdiction division code (管辖区划), e.g. 530325 for 富源县',
      )
      .option('--name <name>', 'display name, e.g. 张三')
      .option(
        '--scope <scope>',
        `integrator only, repeatable: an event-type prefix it may read (Disbursement, Allocation …), or ${personalDataScope} to see names, ID numbers, bank accounts and phones unmasked`,
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option('--expires-in <duration>', 'lifetime such as 90s, 30m, 8h or 7d', '8h')
      // addCommand does not pass the parent's settings down, and a missing option would otherwise
      // make commander print to the real stderr and call process.exit itself.
      .configureOutput({
        writeOut: (text) => void context.stdout.write(text),
        writeErr: (text) => void context.stderr.write(text),
      })
      .exitOverride()
      .action(async (options: TokenOptions) => {
        const user = options.user.trim();
        if (user === '' || user.length > actorIdLengthMax) {
          throw new CliError(
            `--user must be a non-blank id of at most ${actorIdLengthMax} characters`,
            1,
          );
        }
        if (!isRole(options.role)) {
          throw new CliError(
            `unknown role "${options.role}": --role must be one of ${roles.join(', ')}`,
            1,
          );
        }
        const name = options.name?.trim();
        if (name !== undefined && (name === '' || name.length > actorNameLengthMax)) {
          throw new CliError(
            `--name must be non-blank and at most ${actorNameLengthMax} characters`,
            1,
          );
        }
        let lifetimeSeconds: number;
        try {
          lifetimeSeconds = parseTokenLifetime(options.expiresIn);
        } catch (error) {
          throw new CliError(`--${(error as Error).message}`, 1);
        }
        if (!isDivisionCode(options.division)) {
          throw new CliError(
            `--division ${divisionCodeFormatMessage} (got "${options.division}")`,
            1,
          );
        }
        if (loadDivisionRegistry().get(options.division) === undefined) {
          throw new CliError(
            `unknown division ${options.division}: --division must be a code in the division registry`,
            1,
          );
        }

        const scopeProblem = scopesProblem(options.role, options.scope);
        if (scopeProblem !== undefined) throw new CliError(`--scope: ${scopeProblem}`, 1);

        const { secret } = await resolveJwtSecret(loadAppConfig(context.env));
        const token = signAccessToken(secret, {
          actor: { id: user, role: options.role, division: options.division },
          ...(name === undefined ? {} : { name }),
          scopes: options.scope,
          lifetimeSeconds,
        });
        context.stdout.write(`${token}\n`);
      })
  );
}
