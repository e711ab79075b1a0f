import { createHash } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import {
  AmbiguousNoteKeyError,
  InvalidNoteSignatureError,
  NoteFormatError,
  UnverifiedNoteError,
  keyIdHex,
} from './note.errors';

/**
 * C2SP signed notes (https://c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank
 * line, then one line per signature, `— <key name> <base64(key id ‖ signature)>`. Checkpoints and
 * witness cosignatures are signed notes; this file knows the format and the verification rules,
 * the signature algorithms live beside it.
 */

/** Signature type bytes of the C2SP registry that Sunlight uses. */
export const noteSignatureType = {
  /** Ed25519 over the note text (signed-note). */
  ed25519: 0x01,
  /** Timestamped Ed25519 witness cosignature (tlog-cosignature). */
  cosignatureEd25519: 0x04,
} as const;

/**
 * Limits on what openNote reads. The spec asks verifiers to accept at least 16 signatures; 100 is
 * what golang.org/x/mod/sumdb/note allows. A checkpoint with a hundred post-quantum signatures is
 * well under the byte limit.
 */
export const noteSignaturesMax = 100;
export const noteBytesMax = 1_048_576;

/** One signature line: who signed (name and 32-bit key id) and the algorithm's signature bytes. */
export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: number;
  readonly signature: Buffer;
}

export interface Note {
  /** The signed text, final newline included, separating blank line not. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface NoteSigner {
  readonly keyName: string;
  readonly keyId: number;
  /** The signature bytes (without the key id) over the note text's UTF-8 bytes. */
  sign(text: Buffer): Buffer;
}

export interface NoteVerifier {
  readonly keyName: string;
  readonly keyId: number;
  /** Whether `signature` (without the key id) is this key's over the note text's bytes. */
  verify(text: Buffer, signature: Buffer): boolean;
}

/** What openNote found: signatures it verified with a known key, and those by keys it does not know. */
export interface OpenedNote extends Note {
  readonly verified: readonly NoteSignature[];
  readonly unverified: readonly NoteSignature[];
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], big-endian. */
export function noteKeyId(keyName: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.of(0x0a, type))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

// Unicode White_Space is exactly what Go's unicode.IsSpace (the reference implementation) refuses;
// control characters are refused everywhere in a note, newline aside.
// eslint-disable-next-line no-control-regex -- control characters are what the spec forbids
const keyNameForbidden = /[\p{White_Space}+\u0000-\u001f]/u;
// eslint-disable-next-line no-control-regex -- every control character but newline
const textForbidden = /[\u0000-\u0009\u000b-\u001f]/;
const signaturePrefix = '— ';

/** Key names are non-empty and hold no Unicode space and no `+` (the vkey separator). */
export function isValidKeyName(keyName: string): boolean {
  return keyName.length > 0 && keyName.isWellFormed() && !keyNameForbidden.test(keyName);
}

/**
 * Reads a signed note without verifying it: the text and each signature line. Throws
 * NoteFormatError for anything the spec does not allow (invalid UTF-8, control characters, no
 * blank line before the signatures, a bad signature line, more than noteSignaturesMax of them).
 */
export function parseNote(message: string | Uint8Array): Note {
  const all = noteText(message);
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw new NoteFormatError('note', 'no blank line before the signatures');
  const text = all.slice(0, split + 1);
  const block = all.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    throw new NoteFormatError('note', 'the signatures must be newline-terminated lines');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > noteSignaturesMax) {
    throw new NoteFormatError('note', `more than ${noteSignaturesMax} signatures`);
  }
  return { text, signatures: lines.map(parseSignatureLine) };
}

function noteText(message: string | Uint8Array): string {
  const length = typeof message === 'string' ? Buffer.byteLength(message) : message.length;
  if (length > noteBytesMax) throw new NoteFormatError('note', `longer than ${noteBytesMax} bytes`);
  let text: string;
  if (typeof message === 'string') {
    if (!message.isWellFormed()) throw new NoteFormatError('note', 'not valid Unicode');
    text = message;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(message);
    } catch {
      throw new NoteFormatError('note', 'not valid UTF-8');
    }
  }
  if (textForbidden.test(text)) throw new NoteFormatError('note', 'holds a control character');
  return text;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(signaturePrefix)) {
    throw new NoteFormatError('note', 'a signature line must start with an em dash and a space');
  }
  const rest = line.slice(signaturePrefix.length);
  const space = rest.indexOf(' ');
  const keyName = rest.slice(0, space);
  const encoded = rest.slice(space + 1);
  if (space < 0 || !isValidKeyName(keyName) || encoded === '') {
    throw new NoteFormatError('note', 'a signature line must be "— <key name> <base64>"');
  }
  const bytes = decodeBase64Strict(encoded, 'note signature');
  if (bytes.length < 5)
    throw new NoteFormatError('note', 'a signature is a key id and at least one byte');
  return { keyName, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
}

/** The note's text, the blank line and its signature lines. */
export function formatNote(note: Note): string {
  assertNoteText(note.text);
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

function formatSignatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.keyName)) {
    throw new NoteFormatError('note', `invalid key name ${JSON.stringify(signature.keyName)}`);
  }
  const keyId = Buffer.alloc(4);
  keyId.writeUInt32BE(signature.keyId);
  const encoded = Buffer.concat([keyId, signature.signature]).toString('base64');
  return `${signaturePrefix}${signature.keyName} ${encoded}\n`;
}

/** Throws NoteFormatError unless `text` can be a note's text. */
export function assertNoteText(text: string): void {
  if (text === '' || !text.endsWith('\n')) {
    throw new NoteFormatError('note text', 'must be non-empty and end in a newline');
  }
  if (!text.isWellFormed() || textForbidden.test(text)) {
    throw new NoteFormatError('note text', 'must be valid Unicode without control characters');
  }
}

/**
 * Signs `text` with every signer and returns the signed note. Signatures in `existing` are kept
 * (a witness adds its cosignature after the log's) except one by the same key as a new signer,
 * which the new one replaces.
 */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  existing: readonly NoteSignature[] = [],
): string {
  assertNoteText(text);
  const bytes = Buffer.from(text, 'utf8');
  const replaced = new Set(signers.map((s) => keyLabel(s.keyName, s.keyId)));
  const kept = existing.filter((s) => !replaced.has(keyLabel(s.keyName, s.keyId)));
  const added = signers.map((signer) => ({
    keyName: signer.keyName,
    keyId: signer.keyId,
    signature: signer.sign(bytes),
  }));
  return formatNote({ text, signatures: [...kept, ...added] });
}

/** Adds the signers' signatures to an already signed note (for example a witness's cosignature). */
export function addNoteSignatures(
  message: string | Uint8Array,
  signers: readonly NoteSigner[],
): string {
  const note = parseNote(message);
  return signNote(note.text, signers, note.signatures);
}

/**
 * Verifies a signed note against the keys the caller trusts (https://c2sp.org/signed-note,
 * "Signatures"). A signature by an unknown key (name or id differing) is ignored and listed as
 * unverified; one by a known key must verify or the whole note is refused
 * (InvalidNoteSignatureError); at least one must verify (else UnverifiedNoteError). Repeated
 * identical lines count once. Two known keys with one name and id are AmbiguousNoteKeyError.
 */
export function openNote(
  message: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  const note = parseNote(message);
  const bytes = Buffer.from(note.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const signature of note.signatures) {
    const line = formatSignatureLine(signature);
    if (seen.has(line)) continue;
    seen.add(line);
    const matching = verifiers.filter(
      (v) => v.keyName === signature.keyName && v.keyId === signature.keyId,
    );
    if (matching.length > 1) throw new AmbiguousNoteKeyError(signature.keyName, signature.keyId);
    if (matching.length === 0) {
      unverified.push(signature);
      continue;
    }
    if (!matching[0].verify(bytes, signature.signature)) {
      throw new InvalidNoteSignatureError(signature.keyName, signature.keyId);
    }
    verified.push(signature);
  }
  if (verified.length === 0) {
    throw new UnverifiedNoteError(unverified.map((s) => keyLabel(s.keyName, s.keyId)));
  }
  return { ...note, verified, unverified };
}

function keyLabel(keyName: string, keyId: number): string {
  return `${keyName}+${keyIdHex(keyId)}`;
}
