import { createHash, hash } from 'node:crypto';
import { HashLengthError, InvalidTreeNumberError } from './merkle.errors';

/** Every hash in the tree is SHA-256: 32 bytes. */
export const hashSizeBytes = 32;

const leafPrefix = 0x00;
const nodePrefix = 0x01;

/**
 * RFC 6962 §2.1 (RFC 9162 §2.1.1): the hash of a leaf is SHA-256(0x00 ‖ data). The prefix differs
 * from an interior node's, so no leaf can pass for a node (second-preimage resistance).
 */
export function hashLeaf(data: Uint8Array): Buffer {
  // One-shot hashing of one buffer: a Hash object per call cost more than copying the data.
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = leafPrefix;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

/** RFC 6962 §2.1: the hash of an interior node is SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = nodePrefix;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** The root of the empty tree, MTH({}) = SHA-256() (e3b0c442…b855). */
export const emptyTreeRoot: Buffer = createHash('sha256').digest();

/** Tree sizes and indexes are numbers; the bit helpers are exact up to here. */
export const treeSizeMax = Number.MAX_SAFE_INTEGER;

/** Throws InvalidTreeNumberError unless `value` is an integer in [0, treeSizeMax]. */
export function assertTreeNumber(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidTreeNumberError(field, value);
}

/** Throws HashLengthError unless `hash` is 32 bytes. */
export function assertHashLength(field: string, hash: Uint8Array): void {
  if (hash.length !== hashSizeBytes) throw new HashLengthError(field, hash.length);
}
