import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** Ed25519 public keys and seeds are 32 bytes, signatures 64 (RFC 8032). */
export const ed25519KeyBytes = 32;
export const ed25519SignatureBytes = 64;

// The fixed DER headers of an Ed25519 SubjectPublicKeyInfo and PKCS #8 key (RFC 8410): Node
// imports raw keys only in these wrappers.
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
export function ed25519RawPublicKey(key: KeyObject): Buffer {
  assertEd25519(key);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(spkiPrefix.length);
}

/** The 32-byte seed an Ed25519 private key was made from. */
export function ed25519Seed(privateKey: KeyObject): Buffer {
  assertEd25519(privateKey);
  if (privateKey.type !== 'private') throw new TypeError('an Ed25519 private key is needed');
  return privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(pkcs8Prefix.length);
}

export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== ed25519KeyBytes) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
}

export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== ed25519KeyBytes) throw new RangeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`an Ed25519 key is needed, not ${key.asymmetricKeyType ?? key.type}`);
  }
}
