import { sign, verify, type KeyObject } from 'node:crypto';
import { parseCheckpoint } from './checkpoint';
import { assertKeyName, type KeyedNoteSigner } from './ed25519-note';
import { ed25519PublicKeyFromRaw, ed25519RawPublicKey, ed25519SignatureBytes } from './ed25519';
import { NoteFormatError } from './note.errors';
import { noteKeyId, noteSignatureType, type NoteSignature, type NoteVerifier } from './signed-note';

/**
 * Witness cosignatures, C2SP tlog-cosignature v1 with Ed25519 (signature type 0x04). A witness
 * signs `cosignature/v1\ntime <t>\n` followed by the checkpoint text, and its signature is the
 * 8-byte big-endian time ‖ the 64-byte Ed25519 signature. The statement is that, at time t, this
 * is the largest consistent tree the witness has seen for the log. The message does not name the
 * witness, so one key must never serve two witness names.
 */

const timestampBytes = 8;
/** The spec caps timestamps at 2^63 − 1; as a number, a POSIX time in seconds is exact far below. */
const timestampMax = Number.MAX_SAFE_INTEGER;

/** The bytes a witness signs for `checkpointText` at `timestampSec` (POSIX seconds). */
export function cosignatureMessage(checkpointText: string, timestampSec: number): Buffer {
  assertTimestamp(timestampSec);
  return Buffer.from(`cosignature/v1\ntime ${timestampSec}\n${checkpointText}`, 'utf8');
}

/**
 * A witness's cosigner. It signs only checkpoint texts (anything else throws NoteFormatError) and
 * reads the time from `clockSec` at each signature, in whole POSIX seconds.
 */
export function ed25519CosignatureSigner(
  keyName: string,
  privateKey: KeyObject,
  clockSec: () => number,
): KeyedNoteSigner {
  assertKeyName(keyName);
  const publicKey = ed25519RawPublicKey(privateKey);
  return {
    keyName,
    keyId: noteKeyId(keyName, noteSignatureType.cosignatureEd25519, publicKey),
    type: noteSignatureType.cosignatureEd25519,
    publicKey,
    sign: (text) => {
      const checkpointText = text.toString('utf8');
      parseCheckpoint(checkpointText);
      const timestampSec = clockSec();
      const message = cosignatureMessage(checkpointText, timestampSec);
      const time = Buffer.alloc(timestampBytes);
      time.writeBigUInt64BE(BigInt(timestampSec));
      return Buffer.concat([time, sign(null, message, privateKey)]);
    },
  };
}

/** Verifies one witness's Ed25519 cosignatures (type 0x04). */
export function ed25519CosignatureVerifier(
  keyName: string,
  publicKey: KeyObject | Uint8Array,
): NoteVerifier {
  assertKeyName(keyName);
  const key = publicKey instanceof Uint8Array ? ed25519PublicKeyFromRaw(publicKey) : publicKey;
  return {
    keyName,
    keyId: noteKeyId(keyName, noteSignatureType.cosignatureEd25519, ed25519RawPublicKey(key)),
    verify: (text, signature) => {
      if (signature.length !== timestampBytes + ed25519SignatureBytes) return false;
      const timestamp = signature.readBigUInt64BE(0);
      if (timestamp > BigInt(timestampMax)) return false;
      const message = cosignatureMessage(text.toString('utf8'), Number(timestamp));
      return verify(null, message, key, signature.subarray(timestampBytes));
    },
  };
}

/** The time (POSIX seconds) a cosignature says it was made; check the signature before trusting it. */
export function cosignatureTimestamp(signature: NoteSignature): number {
  if (signature.signature.length !== timestampBytes + ed25519SignatureBytes) {
    throw new NoteFormatError('cosignature', 'not an 8-byte time and a 64-byte Ed25519 signature');
  }
  const timestamp = signature.signature.readBigUInt64BE(0);
  if (timestamp > BigInt(timestampMax))
    throw new NoteFormatError('cosignature', 'time out of range');
  return Number(timestamp);
}

function assertTimestamp(timestampSec: number): void {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new RangeError(`a cosignature time is a whole number of seconds, got ${timestampSec}`);
  }
}
