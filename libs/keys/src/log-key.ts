import { randomBytes } from 'node:crypto';
import {
  ed25519NoteSigner,
  ed25519PrivateKeyFromSeed,
  formatSignerKey,
  formatVerifierKey,
  parseSignerKey,
  type KeyedNoteSigner,
} from '@sunlight/integrity';
import { resolveKeptSecret } from './kept-secret';

export const logKeyFileName = 'log-key';
/** `PRIVATE+KEY+<name>+<8 hex>+<base64 of 33 bytes>` is longer than this with any name. */
export const logKeyLengthMin = 60;

export interface LogKey {
  /** Signs the log's checkpoints (Ed25519 note signatures). */
  readonly signer: KeyedNoteSigner;
  /** `<name>+<key id>+<public key>`: what witnesses and auditors are given. */
  readonly verifierKey: string;
  readonly source: 'configuration' | 'file' | 'generated';
  readonly path?: string;
}

/**
 * The log's checkpoint signing key (SUNLIGHT_LOG_KEY), an Ed25519 signer key in the text form
 * Go's sumdb/note and the witness network use. Like the JWT and snapshot keys it is never kept
 * in the database: whoever could read it there could sign a checkpoint of a rewritten log. Unset,
 * one is generated once, named after the log's origin, and kept in `<dataDir>/log-key` (0600).
 */
export async function resolveLogKey(config: {
  logKey?: string;
  dataDir: string;
  logOrigin: string;
}): Promise<LogKey> {
  const kept = await resolveKeptSecret({
    what: 'checkpoint signing key',
    variable: 'SUNLIGHT_LOG_KEY',
    configured: config.logKey,
    dataDir: config.dataDir,
    fileName: logKeyFileName,
    lengthMin: logKeyLengthMin,
    generatedBytes: 32,
    generate: () => {
      const privateKey = ed25519PrivateKeyFromSeed(randomBytes(32));
      return formatSignerKey(ed25519NoteSigner(config.logOrigin, privateKey), privateKey);
    },
  });
  let signer: KeyedNoteSigner;
  try {
    signer = parseSignerKey(kept.secret);
  } catch (error) {
    const where = kept.path === undefined ? 'SUNLIGHT_LOG_KEY' : kept.path;
    throw new Error(`${where} is not an Ed25519 signer key: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    signer,
    verifierKey: formatVerifierKey(signer),
    source: kept.source,
    ...(kept.path === undefined ? {} : { path: kept.path }),
  };
}
