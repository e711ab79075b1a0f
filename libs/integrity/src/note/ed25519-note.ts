import { sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PublicKeyFromRaw, ed25519RawPublicKey, ed25519SignatureBytes } from './ed25519';
import { NoteKeyError } from './note.errors';
import {
  isValidKeyName,
  noteKeyId,
  noteSignatureType,
  type NoteSigner,
  type NoteVerifier,
} from './signed-note';

/** A signer that can also say how verifiers should be configured for it. */
export interface KeyedNoteSigner extends NoteSigner {
  readonly type: number;
  readonly publicKey: Buffer;
}

/**
 * Signs notes with Ed25519 (signature type 0x01): the log's checkpoint key. Node signs Ed25519
 * with `crypto.sign(null, …)`, the algorithm being fixed by the key.
 */
export function ed25519NoteSigner(keyName: string, privateKey: KeyObject): KeyedNoteSigner {
  assertKeyName(keyName);
  const publicKey = ed25519RawPublicKey(privateKey);
  return {
    keyName,
    keyId: noteKeyId(keyName, noteSignatureType.ed25519, publicKey),
    type: noteSignatureType.ed25519,
    publicKey,
    sign: (text) => sign(null, text, privateKey),
  };
}

/** Verifies Ed25519 note signatures (type 0x01) by one key, given as a KeyObject or 32 raw bytes. */
export function ed25519NoteVerifier(
  keyName: string,
  publicKey: KeyObject | Uint8Array,
): NoteVerifier {
  assertKeyName(keyName);
  const key = publicKey instanceof Uint8Array ? ed25519PublicKeyFromRaw(publicKey) : publicKey;
  return {
    keyName,
    keyId: noteKeyId(keyName, noteSignatureType.ed25519, ed25519RawPublicKey(key)),
    verify: (text, signature) =>
      signature.length === ed25519SignatureBytes && verify(null, text, key, signature),
  };
}

export function assertKeyName(keyName: string): void {
  if (!isValidKeyName(keyName)) {
    throw new NoteKeyError(`invalid key name ${JSON.stringify(keyName)}`);
  }
}
