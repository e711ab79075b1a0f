import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import {
  ed25519CosignatureSigner,
  ed25519PrivateKeyFromSeed,
  formatSignerKey,
  formatVerifierKey,
  parseSignerKey,
  noteSignatureType,
  witnessLevels,
  type KeyedNoteSigner,
} from '@sunlight/integrity';
import { CliError, type CliContext } from './cli-context';

interface WitnessKeyOptions {
  key: string;
  level?: string;
  division?: string;
  name?: string;
}

/**
 * `sunlight witness-key --key FILE`: a witness's own Ed25519 cosignature key. Made once (named
 * `witness-<level>-<division>` unless --name says) and kept in FILE (0600, never overwritten);
 * afterwards read back. Prints the public key as the log's operator configures it,
 * `<level>:<vkey>` for SUNLIGHT_WITNESS_KEYS (the vkey alone without --level).
 */
export function witnessKeyCommand(context: CliContext): Command {
  return new Command('witness-key')
    .description(
      "make (once) or read a witness's cosignature key and print its public key for SUNLIGHT_WITNESS_KEYS",
    )
    .requiredOption('--key <file>', 'where the private key is kept (made there if absent)')
    .addOption(new Option('--level <level>', 'the commission level').choices([...witnessLevels]))
    .option('--division <code>', 'the commission’s division code (names a new key)')
    .option('--name <name>', 'the witness name of a new key (default witness-<level>-<division>)')
    .action(async (options: WitnessKeyOptions) => {
      let signer: KeyedNoteSigner;
      if (existsSync(options.key)) {
        signer = readWitnessSigner((await readFile(options.key, 'utf8')).trim(), options.key);
      } else {
        const name =
          options.name ??
          (options.level !== undefined && options.division !== undefined
            ? `witness-${options.level}-${options.division}`
            : undefined);
        if (name === undefined) {
          throw new CliError('a new witness key needs --name, or --level and --division', 2);
        }
        const privateKey = ed25519PrivateKeyFromSeed(randomBytes(32));
        signer = ed25519CosignatureSigner(name, privateKey, () => 0);
        await writeFile(options.key, `${formatSignerKey(signer, privateKey)}\n`, {
          mode: 0o600,
          flag: 'wx',
        });
        context.stderr.write(`made witness key ${name} in ${options.key}\n`);
      }
      const vkey = formatVerifierKey(signer);
      context.stdout.write(
        options.level === undefined ? `${vkey}\n` : `${options.level}:${vkey}\n`,
      );
    });
}

/** A witness's signer key (type 0x04) from its text; anything else is a CliError naming `where`. */
export function readWitnessSigner(
  text: string,
  where: string,
  clockSec: () => number = () => Math.floor(Date.now() / 1000),
): KeyedNoteSigner {
  let signer: KeyedNoteSigner;
  try {
    signer = parseSignerKey(text, clockSec);
  } catch (error) {
    throw new CliError(`${where}: ${(error as Error).message}`, 2);
  }
  if (signer.type !== noteSignatureType.cosignatureEd25519) {
    throw new CliError(
      `${where}: not a witness cosignature key (type 0x04); make one with sunlight witness-key`,
      2,
    );
  }
  return signer;
}
