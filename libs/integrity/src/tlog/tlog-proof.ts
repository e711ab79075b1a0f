import { verifyInclusion } from '../merkle/verify';
import { assertHashLength, assertTreeNumber, hashSizeBytes } from '../merkle/rfc6962';
import { decodeBase64Strict } from '../note/base64';
import { NoteFormatError } from '../note/note.errors';
import {
  openCheckpoint,
  type OpenCheckpointOptions,
  type OpenedCheckpoint,
} from '../note/open-checkpoint';
import { parseNote } from '../note/signed-note';

/**
 * C2SP tlog-proof (https://c2sp.org/tlog-proof): a self-contained, offline-verifiable proof that
 * an entry is in a log. The text is the header line, an optional `extra <base64>` line (opaque,
 * unauthenticated application data), `index <decimal>`, the inclusion proof one base64 hash per
 * line, a blank line and the signed checkpoint verbatim, cosignatures and all. For Sunlight it is
 * what a household, a county office or an auditor keeps to show that an event was logged.
 */

export const tlogProofHeader = 'c2sp.org/tlog-proof@v1';
/** An inclusion proof in a tree of fewer than 2^64 leaves has at most 64 hashes. */
const proofHashesMax = 64;

export interface TlogProof {
  readonly extra?: Buffer;
  readonly index: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, exactly as the log (and witnesses) signed it. */
  readonly checkpoint: string;
}

const decimal = /^(0|[1-9][0-9]*)$/;

export function formatTlogProof(bundle: TlogProof): string {
  assertTreeNumber('index', bundle.index);
  bundle.proof.forEach((hash, i) => assertHashLength(`proof hash ${i}`, hash));
  parseNote(bundle.checkpoint);
  const lines = [
    tlogProofHeader,
    ...(bundle.extra === undefined ? [] : [`extra ${bundle.extra.toString('base64')}`]),
    `index ${bundle.index}`,
    ...bundle.proof.map((hash) => hash.toString('base64')),
  ];
  return `${lines.join('\n')}\n\n${bundle.checkpoint}`;
}

/** Reads a proof bundle without verifying it. Throws NoteFormatError. */
export function parseTlogProof(text: string): TlogProof {
  const fail = (reason: string): never => {
    throw new NoteFormatError('tlog-proof', reason);
  };
  const split = text.indexOf('\n\n');
  if (split < 0) fail('no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines.shift() !== tlogProofHeader) fail(`the first line must be ${tlogProofHeader}`);
  let extra: Buffer | undefined;
  const extraLine = lines[0];
  if (extraLine?.startsWith('extra ')) {
    lines.shift();
    extra = decodeBase64Strict(extraLine.slice('extra '.length), 'tlog-proof extra data');
  }
  const indexLine = lines.shift() ?? '';
  const indexText = indexLine.startsWith('index ') ? indexLine.slice('index '.length) : '';
  const index = Number(indexText);
  if (!decimal.test(indexText) || !Number.isSafeInteger(index)) {
    fail('expected "index <decimal>" after the header');
  }
  if (lines.length > proofHashesMax) fail(`more than ${proofHashesMax} proof hashes`);
  const proof = lines.map((line) => {
    const hash = decodeBase64Strict(line, 'tlog-proof hash');
    if (hash.length !== hashSizeBytes) fail(`a proof hash is ${hash.length} bytes, not 32`);
    return hash;
  });
  parseNote(checkpoint);
  return { ...(extra === undefined ? {} : { extra }), index, proof, checkpoint };
}

export interface VerifiedTlogProof {
  readonly index: number;
  /** Unauthenticated: not covered by any signature or hash. */
  readonly extra?: Buffer;
  readonly checkpoint: OpenedCheckpoint;
}

/**
 * Verifies a proof bundle for the entry whose leaf hash is `leafHash`: the checkpoint as
 * openCheckpoint does (log key, origin, witness quorum), then the inclusion proof against its
 * root and size. Throws the corresponding IntegrityError.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  options: OpenCheckpointOptions,
): VerifiedTlogProof {
  const bundle = parseTlogProof(text);
  const checkpoint = openCheckpoint(bundle.checkpoint, options);
  const { size, rootHash } = checkpoint.checkpoint;
  verifyInclusion(leafHash, bundle.index, size, bundle.proof, rootHash);
  return {
    index: bundle.index,
    ...(bundle.extra === undefined ? {} : { extra: bundle.extra }),
    checkpoint,
  };
}
