import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { parseVerifierKey, type NoteVerifier } from '@sunlight/integrity';
import { logKeyFileName, resolveLogKey } from '@sunlight/keys';
import { loadAppConfig, type AppConfig } from '../config/app-config';
import { CliError, type CliContext } from './cli-context';
import { createProgressReporter } from './verify-progress';

export const chainBrokenExitCode = 2;
/** Distinct from a broken chain: the log is intact, a cache beside it was edited or is wrong. */
export const snapshotsBadExitCode = 4;
/** The log is a chain, but not the one a signed checkpoint committed to: history was rewritten. */
export const checkpointRootMismatchExitCode = 5;
/** The log ends before the size of a signed checkpoint: events were removed from its end. */
export const logTruncatedExitCode = 6;
/** A stored or given checkpoint is not signed by the log's key (or names another log). */
export const checkpointInvalidExitCode = 7;
/**
 * The log is intact, but a stored file (a roster, a photo, a thumbnail) no longer has the bytes
 * its SHA-256 name promises, or a file an event names is gone from BLOB_DIR.
 */
export const blobsBadExitCode = 9;
const checkpointExitCodes = {
  root_mismatch: checkpointRootMismatchExitCode,
  log_truncated: logTruncatedExitCode,
  invalid_checkpoint: checkpointInvalidExitCode,
} as const;

interface VerifyOptions {
  databaseUrl?: string;
  logKey?: string;
  checkpoint?: string[];
}
// Enough of the embedded server's own output to explain why it did not start.
const startupLogLinesMax = 20;

/**
 * `sunlight verify`: recomputes the hash chain over the whole log, straight from the table, and
 * says whether any event was altered, removed or reordered since it was written; then re-folds
 * every snapshotted stream and names each snapshot that differs from its fold or fails its seal;
 * then re-hashes every file in BLOB_DIR and names any whose bytes changed or that the log names and
 * is gone (exit 9).
 */
export function verifyCommand(context: CliContext): Command {
  return new Command('verify')
    .description(
      'recompute the hash chain of the whole event log and report the first break, if any; ' +
        'then check every snapshot against its seal and the fold of its stream, ' +
        'and re-hash every stored file (rosters, photos) and name any changed or missing',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL to verify (default: DATABASE_URL, else the embedded database)',
    )
    .option(
      '--log-key <vkey>',
      "the log's public checkpoint key (as `sunlight log-key` prints it); default: SUNLIGHT_LOG_KEY's, else <SUNLIGHT_DATA_DIR>/log-key's",
    )
    .option(
      '--checkpoint <file...>',
      'signed checkpoints kept outside the database (a witness’s, an earlier export’s) to check the log against too',
    )
    .action(async (options: VerifyOptions) => {
      const config = loadAppConfig({
        ...context.env,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      });
      const checkpoints = await checkpointOptions(context, config, options);
      const database = await resolveCliDatabase(context, config);
      try {
        const progress = createProgressReporter(context);
        let result;
        try {
          result = await context.verifyPostgresLog({
            connectionString: database.url,
            onProgress: progress.update,
            ...(checkpoints === undefined ? {} : { checkpoints }),
          });
        } catch (error) {
          throw explainVerifyFailure(error);
        } finally {
          progress.stop();
        }
        const snapshots = await context.checkSnapshots({
          connectionString: database.url,
          sealKey: async () => (await context.resolveSnapshotKey(config)).secret,
        });
        for (const { streamName, revision, problem } of snapshots.findings) {
          context.stderr.write(`snapshot of ${streamName} at revision ${revision}: ${problem}\n`);
        }
        const blobs = await context.checkBlobs({
          connectionString: database.url,
          blobDir: config.blobDir,
        });
        for (const finding of blobs.findings) {
          context.stderr.write(
            finding.problem === 'changed'
              ? `stored file ${finding.sha256} changed: its bytes now hash to ${finding.actualSha256}\n`
              : `stored file ${finding.sha256} is missing from ${config.blobDir} (named by ${finding.namedBy})\n`,
          );
        }
        if (!result.ok) {
          const { position, kind, detail } = result.firstBreak;
          throw new CliError(
            `chain broken at position ${position}: ${kind}: ${detail}`,
            chainBrokenExitCode,
          );
        }
        if (checkpoints === undefined && result.storedCheckpoints > 0) {
          context.stderr.write(
            `no log key configured or kept in the data directory: the ${result.storedCheckpoints} ` +
              'signed checkpoints the database keeps were not checked (pass --log-key)\n',
          );
        }
        context.stdout.write(
          `verified ${result.eventsChecked} events; head position ${result.headPosition ?? 'none'}; ` +
            `head hash ${result.headHash.toString('hex')}\n`,
        );
        if (result.checkpoints !== undefined) {
          const { checked, largestSize, problem } = result.checkpoints;
          if (problem !== undefined) {
            throw new CliError(
              `checkpoint check failed: ${problem.kind}: ${problem.detail}`,
              checkpointExitCodes[problem.kind],
            );
          }
          context.stdout.write(
            `verified ${checked} signed checkpoints against the Merkle tree of the log` +
              `${largestSize === undefined ? '' : ` (the largest of ${largestSize} events)`}\n`,
          );
        }
        const badStreams = new Set(snapshots.findings.map((finding) => finding.streamName));
        if (badStreams.size > 0) {
          throw new CliError(
            `${badStreams.size} of ${snapshots.checked} snapshots differ from the log or fail their seal ` +
              '(the app never loads them: it folds those streams from the log)',
            snapshotsBadExitCode,
          );
        }
        context.stdout.write(`verified ${snapshots.checked} snapshots against the log\n`);
        if (blobs.findings.length > 0) {
          const changed = blobs.findings.filter((finding) => finding.problem === 'changed').length;
          throw new CliError(
            `${changed} stored files changed and ${blobs.findings.length - changed} named by the log are missing`,
            blobsBadExitCode,
          );
        }
        context.stdout.write(
          `verified ${blobs.checked} stored files against their SHA-256 names; all ${blobs.referenced} the log names are there\n`,
        );
      } finally {
        await database.close();
      }
    });
}

/**
 * The log's key and any checkpoints given in files. Without a key (none configured, none kept in
 * the data directory, none given), checkpoints cannot be trusted, so they are not checked, and
 * verify says so rather than generating a key that signed nothing.
 */
async function checkpointOptions(
  context: CliContext,
  config: AppConfig,
  options: VerifyOptions,
): Promise<{ origin: string; verifiers: NoteVerifier[]; external: string[] } | undefined> {
  let verifier: NoteVerifier;
  try {
    if (options.logKey !== undefined) verifier = parseVerifierKey(options.logKey).verifier;
    else if (
      config.logKey !== undefined ||
      existsSync(path.resolve(config.dataDir, logKeyFileName))
    ) {
      verifier = parseVerifierKey((await resolveLogKey(config)).verifierKey).verifier;
    } else if ((options.checkpoint ?? []).length > 0) {
      throw new CliError(
        '--checkpoint: no log key configured or kept in the data directory to check it with (pass --log-key)',
        1,
      );
    } else {
      // Said after the walk, and only when the database keeps checkpoints that went unchecked.
      return undefined;
    }
  } catch (error) {
    throw new CliError(`--log-key: ${(error as Error).message}`, 1);
  }
  const external = await Promise.all(
    (options.checkpoint ?? []).map((file) =>
      readFile(file, 'utf8').catch((error: Error) => {
        throw new CliError(`--checkpoint ${file}: ${error.message}`, 1);
      }),
    ),
  );
  return { origin: config.logOrigin, verifiers: [verifier], external };
}

// PostgreSQL's undefined_table: the database was never migrated, so it holds no log at all.
const undefinedTableCode = '42P01';

function explainVerifyFailure(error: unknown): unknown {
  if ((error as { code?: unknown })?.code === undefinedTableCode) {
    return new CliError(
      'no event log in this database (table "events" does not exist); is this the right database?',
      1,
    );
  }
  return error;
}

/** The log's database for a one-shot command (verify, projections): DATABASE_URL's, else the embedded one. */
export async function resolveCliDatabase(
  context: CliContext,
  config: ReturnType<typeof loadAppConfig>,
) {
  const serverLog: string[] = [];
  try {
    return await context.resolveDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      embeddedPort: config.embeddedPgPort,
      onLog: (line) => {
        serverLog.push(line);
        if (serverLog.length > startupLogLinesMax) serverLog.shift();
      },
    });
  } catch (error) {
    // Start-up failures the library could name (port taken, DATABASE_URL unreachable, an
    // unusable data directory, a damaged cluster) already say what to change, in one line.
    // Told apart by name: importing the class would load the driver for every command.
    if ((error as Error | undefined)?.name === 'DatabaseStartupError') {
      throw new CliError((error as Error).message, 1);
    }
    if (config.databaseUrl) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      [
        `could not start the embedded PostgreSQL in ${config.dataDir}: ${reason}`,
        ...serverLog.map((line) => `  ${line.trimEnd()}`),
        `If \`sunlight serve\` is running on this data directory, use its database instead: ` +
          `--database-url postgres://postgres:sunlight@127.0.0.1:${config.embeddedPgPort}/sunlight`,
      ].join('\n'),
      1,
    );
  }
}
