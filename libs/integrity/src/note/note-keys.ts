import { type KeyObject } from 'node:crypto';
import { decodeBase64Strict } from './base64';
import { ed25519CosignatureSigner, ed25519CosignatureVerifier } from './cosignature';
import {
  ed25519PrivateKeyFromSeed,
  ed25519KeyBytes,
  ed25519RawPublicKey,
  ed25519Seed,
} from './ed25519';
import { ed25519NoteSigner, ed25519NoteVerifier, type KeyedNoteSigner } from './ed25519-note';
import { NoteFormatError, NoteKeyError, keyIdHex } from './note.errors';
import { isValidKeyName, noteKeyId, noteSignatureType, type NoteVerifier } from './signed-note';

/**
 * The text forms of note keys that Go's golang.org/x/mod/sumdb/note, Tessera and the witness
 * network exchange:
 *
 * - verifier key (vkey, https://c2sp.org/signed-note): `<name>+<key id hex>+<base64(type ‖ public key)>`
 * - signer key: `PRIVATE+KEY+<name>+<key id hex>+<base64(type ‖ Ed25519 seed)>`
 *
 * Types 0x01 (Ed25519 note signature) and 0x04 (Ed25519 witness cosignature) are understood.
 */

const keyIdPattern = /^[0-9a-f]{8}$/;
const signerKeyPrefix = 'PRIVATE+KEY+';

/** A parsed verifier key: what it verifies and the verifier itself. */
export interface VerifierKey {
  readonly keyName: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Buffer;
  readonly verifier: NoteVerifier;
}

/** `<name>+<key id>+<base64(type ‖ public key)>` for a signer's public key. */
export function formatVerifierKey(signer: KeyedNoteSigner): string {
  const material = Buffer.concat([Buffer.of(signer.type), signer.publicKey]).toString('base64');
  return `${signer.keyName}+${keyIdHex(signer.keyId)}+${material}`;
}

/**
 * Reads a vkey. Throws NoteKeyError unless the name is valid, the key id is eight hex digits and
 * equals the one computed from name, type and key, the type is 0x01 or 0x04 and the key 32 bytes.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const [keyName, keyIdText, material] = splitKey(vkey);
  const { type, key } = keyMaterial(material);
  const keyId = parseKeyId(keyIdText);
  if (noteKeyId(keyName, type, key) !== keyId) {
    throw new NoteKeyError('the key id does not match the name and key');
  }
  const verifier =
    type === noteSignatureType.ed25519
      ? ed25519NoteVerifier(keyName, key)
      : ed25519CosignatureVerifier(keyName, key);
  return { keyName, keyId, type, publicKey: key, verifier };
}

/** `PRIVATE+KEY+<name>+<key id>+<base64(type ‖ seed)>`: a secret, for key files and secret stores. */
export function formatSignerKey(signer: KeyedNoteSigner, privateKey: KeyObject): string {
  if (!ed25519RawPublicKey(privateKey).equals(signer.publicKey)) {
    throw new NoteKeyError('the private key is not the signer’s');
  }
  const material = Buffer.concat([Buffer.of(signer.type), ed25519Seed(privateKey)]).toString(
    'base64',
  );
  return `${signerKeyPrefix}${signer.keyName}+${keyIdHex(signer.keyId)}+${material}`;
}

/**
 * Reads a signer key. A type 0x04 key makes a cosigner and needs `clockSec`; the key id must match
 * the public key derived from the seed. Throws NoteKeyError.
 */
export function parseSignerKey(skey: string, clockSec?: () => number): KeyedNoteSigner {
  if (!skey.startsWith(signerKeyPrefix))
    throw new NoteKeyError('a signer key starts with PRIVATE+KEY+');
  const [keyName, keyIdText, material] = splitKey(skey.slice(signerKeyPrefix.length));
  const { type, key: seed } = keyMaterial(material);
  const keyId = parseKeyId(keyIdText);
  const privateKey = ed25519PrivateKeyFromSeed(seed);
  if (noteKeyId(keyName, type, ed25519RawPublicKey(privateKey)) !== keyId) {
    throw new NoteKeyError('the key id does not match the name and key');
  }
  if (type === noteSignatureType.ed25519) return ed25519NoteSigner(keyName, privateKey);
  if (clockSec === undefined) throw new NoteKeyError('a cosignature key needs a clock');
  return ed25519CosignatureSigner(keyName, privateKey, clockSec);
}

/** name, key id and material; the material's base64 may itself hold '+', so split twice only. */
function splitKey(text: string): [string, string, string] {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteKeyError('expected <name>+<key id>+<key>');
  const keyName = text.slice(0, first);
  if (!isValidKeyName(keyName))
    throw new NoteKeyError(`invalid key name ${JSON.stringify(keyName)}`);
  return [keyName, text.slice(first + 1, second), text.slice(second + 1)];
}

function parseKeyId(text: string): number {
  if (!keyIdPattern.test(text))
    throw new NoteKeyError('the key id must be eight lower-case hex digits');
  return Number.parseInt(text, 16);
}

function keyMaterial(material: string): { type: number; key: Buffer } {
  let bytes: Buffer;
  try {
    bytes = decodeBase64Strict(material, 'key');
  } catch (error) {
    if (error instanceof NoteFormatError) throw new NoteKeyError('the key is not canonical base64');
    throw error;
  }
  const type = bytes[0];
  if (type !== noteSignatureType.ed25519 && type !== noteSignatureType.cosignatureEd25519) {
    throw new NoteKeyError(
      `unsupported signature type ${type === undefined ? 'none' : `0x${type.toString(16)}`}`,
    );
  }
  if (bytes.length !== 1 + ed25519KeyBytes) throw new NoteKeyError('an Ed25519 key is 32 bytes');
  return { type, key: bytes.subarray(1) };
}
