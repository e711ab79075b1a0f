import { assertHashLength, assertTreeNumber, hashSizeBytes } from '../merkle/rfc6962';
import { decodeBase64Strict } from './base64';
import { NoteFormatError } from './note.errors';
import { assertNoteText, signNote, type NoteSigner } from './signed-note';

/**
 * A C2SP checkpoint (https://c2sp.org/tlog-checkpoint): the note text that a log signs to commit
 * to its tree head. Three lines, the origin (the log's name), the tree size in decimal and the
 * base64 RFC 6962 root, then optional extension lines. For Sunlight the tree size is also the
 * position of the last event covered (see leafIndexOfPosition).
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
  /** Opaque lines after the root; the spec advises against them (monitors cannot audit them). */
  readonly extensions: readonly string[];
}

const decimal = /^(0|[1-9][0-9]*)$/;

/** The checkpoint's note text, final newline included. Throws NoteFormatError if a field cannot be written. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  assertLine('origin', checkpoint.origin);
  assertTreeNumber('size', checkpoint.size);
  assertHashLength('root hash', checkpoint.rootHash);
  checkpoint.extensions.forEach((line) => assertLine('extension line', line));
  const lines = [
    checkpoint.origin,
    String(checkpoint.size),
    checkpoint.rootHash.toString('base64'),
    ...checkpoint.extensions,
  ];
  const text = `${lines.join('\n')}\n`;
  assertNoteText(text);
  return text;
}

function assertLine(what: string, line: string): void {
  if (line === '' || line.includes('\n')) {
    throw new NoteFormatError('checkpoint', `${what} must be one non-empty line`);
  }
}

/**
 * Reads a checkpoint's note text (not a signed note: open that first). Throws NoteFormatError for
 * fewer than three lines, an empty line, a size with leading zeros or past 2^53 − 1, or a root
 * that is not the base64 of 32 bytes.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new NoteFormatError('checkpoint', 'must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new NoteFormatError('checkpoint', 'needs origin, size and root lines');
  if (lines.some((line) => line === '')) {
    throw new NoteFormatError('checkpoint', 'must not have empty lines');
  }
  const [origin, sizeText, rootText, ...extensions] = lines;
  const size = Number(sizeText);
  if (!decimal.test(sizeText) || !Number.isSafeInteger(size)) {
    throw new NoteFormatError(
      'checkpoint',
      `tree size ${JSON.stringify(sizeText)} is not a decimal up to 2^53 − 1`,
    );
  }
  const rootHash = decodeBase64Strict(rootText, 'checkpoint root hash');
  if (rootHash.length !== hashSizeBytes) {
    throw new NoteFormatError('checkpoint', `the root hash is ${rootHash.length} bytes, not 32`);
  }
  return { origin, size, rootHash, extensions };
}

/** The signed checkpoint note, signed by the log's key(s). */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}
