import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import {
  IntegrityError,
  judgeCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signNote,
  witnessLevels,
  type Checkpoint,
  type KeyedNoteSigner,
  type NoteVerifier,
} from '@sunlight/integrity';
import { CliError, type CliContext } from './cli-context';
import { readWitnessSigner } from './witness-key.command';

/** A log that does not answer within this long is reported (exit 1), never waited on forever. */
const requestTimeoutMs = 30_000;

/** The log served a checkpoint its key did not sign (or of another origin): nothing cosigned. */
export const witnessBadCheckpointExitCode = 7;
/** The log served a checkpoint inconsistent with one this witness cosigned: a fork, evidence printed. */
export const witnessForkExitCode = 8;

interface WitnessOptions {
  level: string;
  division: string;
  url: string;
  key?: string;
  logKey: string;
  origin?: string;
  state?: string;
  once?: boolean;
  intervalMs: string;
}

/** What a witness keeps between runs: the last checkpoint it cosigned, as the log signed it. */
interface WitnessState {
  readonly origin: string;
  readonly checkpoint: string;
}

/**
 * `sunlight witness`: a commission's witness. Each round it fetches the log's latest checkpoint,
 * checks the log's signature, and, against the last checkpoint it cosigned (its state file), that
 * the new one extends it (a consistency proof from /log/proofs/consistency, checked against the two
 * signed roots, never the server's); then cosigns it (C2SP tlog-cosignature, its own key) and sends
 * the cosignature to /log/cosignatures. A checkpoint that does not extend the last one is a fork:
 * the witness refuses, prints both signed checkpoints as evidence and exits with 8.
 */
export function witnessCommand(context: CliContext): Command {
  return new Command('witness')
    .description(
      "follow the log's checkpoints, check each extends the last one cosigned, and cosign it",
    )
    .addOption(
      new Option('--level <level>', 'the commission level of this witness')
        .choices([...witnessLevels])
        .makeOptionMandatory(),
    )
    .requiredOption('--division <code>', 'the commission’s division code')
    .requiredOption('--url <url>', "the app's base URL, e.g. https://sunlight.example.gov.cn")
    .option('--key <file>', "the witness's key file (default: SUNLIGHT_WITNESS_KEY's value)")
    .requiredOption(
      '--log-key <vkey|file>',
      "the log's public key, as `sunlight log-key` prints it",
    )
    .option('--origin <origin>', "the log's name on its checkpoints (default: the log key's name)")
    .option(
      '--state <file>',
      'where the last cosigned checkpoint is kept (default ./witness-<level>-<division>.json)',
    )
    .option('--once', 'one round, then exit (default: follow until stopped)')
    .option('--interval-ms <ms>', 'between rounds when following', '10000')
    .action(async (options: WitnessOptions) => {
      const witness = await prepareWitness(context, options);
      const intervalMs = Number(options.intervalMs);
      if (!Number.isSafeInteger(intervalMs) || intervalMs < 100) {
        throw new CliError('--interval-ms must be a whole number of at least 100', 2);
      }
      for (;;) {
        await witnessRound(context, witness);
        if (options.once) return;
        await sleep(intervalMs);
      }
    });
}

interface PreparedWitness {
  readonly level: string;
  readonly division: string;
  readonly apiBase: string;
  readonly signer: KeyedNoteSigner;
  readonly logVerifier: NoteVerifier;
  readonly origin: string;
  readonly stateFile: string;
}

async function prepareWitness(
  context: CliContext,
  options: WitnessOptions,
): Promise<PreparedWitness> {
  if (!/^[0-9]{2,12}$/.test(options.division)) {
    throw new CliError('--division must be a division code of 2 to 12 digits', 2);
  }
  let apiBase: string;
  try {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    apiBase = `${url.toString().replace(/\/+$/, '')}/api/v1`;
  } catch {
    throw new CliError('--url must be the http(s) base URL of the app', 2);
  }
  const keyText =
    options.key === undefined
      ? context.env.SUNLIGHT_WITNESS_KEY?.trim()
      : (await readText(options.key, '--key')).trim();
  if (keyText === undefined || keyText === '') {
    throw new CliError('no witness key: pass --key FILE or set SUNLIGHT_WITNESS_KEY', 2);
  }
  const signer = readWitnessSigner(keyText, options.key ?? 'SUNLIGHT_WITNESS_KEY', () =>
    Math.floor(context.now() / 1000),
  );
  const logKeyText = existsSync(options.logKey)
    ? (await readText(options.logKey, '--log-key')).trim()
    : options.logKey;
  let logKey;
  try {
    logKey = parseVerifierKey(logKeyText);
  } catch (error) {
    throw new CliError(`--log-key: ${(error as Error).message}`, 2);
  }
  return {
    level: options.level,
    division: options.division,
    apiBase,
    signer,
    logVerifier: logKey.verifier,
    origin: options.origin ?? logKey.keyName,
    stateFile: options.state ?? path.resolve(`witness-${options.level}-${options.division}.json`),
  };
}

/** One round: fetch, check, cosign and send; or refuse with the evidence. */
export async function witnessRound(context: CliContext, witness: PreparedWitness): Promise<void> {
  const served = await fetchText(`${witness.apiBase}/log/checkpoint`);
  let next: Checkpoint;
  let text: string;
  try {
    ({ checkpoint: next, text } = openCheckpoint(served, {
      origin: witness.origin,
      logVerifiers: [witness.logVerifier],
    }));
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    throw new CliError(
      `the log's checkpoint does not verify under its key: ${error.message}; nothing cosigned`,
      witnessBadCheckpointExitCode,
    );
  }
  const state = await readState(witness.stateFile);
  if (state !== undefined && state.origin !== witness.origin) {
    throw new CliError(
      `${witness.stateFile} is a witness state of ${state.origin}, not ${witness.origin}`,
      2,
    );
  }
  const previous =
    state === undefined ? undefined : parseCheckpoint(parseNote(state.checkpoint).text);
  let proof: Buffer[] = [];
  if (previous !== undefined && previous.size > 0 && next.size > previous.size) {
    const answer = JSON.parse(
      await fetchText(
        `${witness.apiBase}/log/proofs/consistency?from=${previous.size}&to=${next.size}`,
      ),
    ) as { proof: string[] };
    proof = answer.proof.map((hash) => Buffer.from(hash, 'base64'));
  }
  const verdict = judgeCheckpoint(previous, next, proof);
  if (verdict.kind === 'fork') {
    context.stdout.write(
      `FORK: ${verdict.reason}\n\n` +
        `The checkpoint this witness (${witness.signer.keyName}) cosigned before:\n${state?.checkpoint ?? ''}\n` +
        `The checkpoint the log serves now:\n${served}${served.endsWith('\n') ? '' : '\n'}`,
    );
    throw new CliError(
      `refused to cosign: the log forked (${verdict.reason}); both signed checkpoints are printed above`,
      witnessForkExitCode,
    );
  }
  const alreadyServed = parseNote(served).signatures.some(
    (s) => s.keyName === witness.signer.keyName && s.keyId === witness.signer.keyId,
  );
  if (verdict.kind !== 'same' || !alreadyServed) {
    const cosigned = signNote(text, [witness.signer]);
    const line = cosigned.trimEnd().split('\n').at(-1) as string;
    const response = await fetch(`${witness.apiBase}/log/cosignatures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: next.size, cosignature: line }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    if (!response.ok) {
      throw new CliError(
        `the log refused the cosignature of ${next.size} (${response.status}): ${await response.text()}`,
        1,
      );
    }
  }
  await writeState(witness.stateFile, { origin: witness.origin, checkpoint: served });
  context.stdout.write(
    `${verdict.kind === 'same' && alreadyServed ? 'already cosigned' : 'cosigned'} ${next.origin} ` +
      `${next.size} ${next.rootHash.toString('base64')} as ${witness.signer.keyName} ` +
      `(${witness.level} ${witness.division})\n`,
  );
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/plain, application/json' },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    throw new CliError(`cannot reach ${url}: ${(error as Error).message}`, 1);
  }
  const body = await response.text();
  if (!response.ok) throw new CliError(`${url} answered ${response.status}: ${body}`, 1);
  return body;
}

async function readText(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${option} ${file}: ${(error as Error).message}`, 2);
  }
}

async function readState(file: string): Promise<WitnessState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`--state ${file}: ${(error as Error).message}`, 1);
  }
  const state = JSON.parse(text) as Partial<WitnessState>;
  if (typeof state.origin !== 'string' || typeof state.checkpoint !== 'string') {
    throw new CliError(`--state ${file}: not a witness state (origin, checkpoint)`, 1);
  }
  return { origin: state.origin, checkpoint: state.checkpoint };
}

/** Written beside and renamed over, so a crash leaves the old state or the new one. */
async function writeState(file: string, state: WitnessState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}
