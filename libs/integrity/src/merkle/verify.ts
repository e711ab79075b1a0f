import { bitAt, bitLength, popCount, shiftRight, trailingZeros, xor } from './bits';
import {
  EmptyTreeConsistencyError,
  IndexOutOfRangeError,
  ProofLengthError,
  RootMismatchError,
  TreeSizeOrderError,
} from './merkle.errors';
import { assertHashLength, assertTreeNumber, hashChildren } from './rfc6962';

/**
 * Checks an inclusion proof (RFC 9162 §2.1.3.2): that the leaf with hash `leafHash` is leaf
 * `index` of the tree of `size` leaves whose root is `root`. Returns normally or throws an
 * IntegrityError saying why not: IndexOutOfRangeError, HashLengthError, ProofLengthError or
 * RootMismatchError.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const calculated = rootFromInclusionProof(leafHash, index, size, proof);
  if (!calculated.equals(root)) {
    throw new RootMismatchError('inclusion proof', Buffer.from(root), calculated);
  }
}

/**
 * The root an inclusion proof leads to. The bit decomposition is transparency-dev/merkle's: the
 * proof's first `inner` hashes are siblings below the level where the paths to `index` and to the
 * last leaf part (left or right by the index's bit), the remaining `border` ones are left siblings
 * along the right edge. It computes the same as RFC 9162's loop over fn and sn.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Buffer {
  assertTreeNumber('index', index);
  assertTreeNumber('size', size);
  if (index >= size) throw new IndexOutOfRangeError(index, size);
  assertHashLength('leaf hash', leafHash);
  const inner = bitLength(xor(index, size - 1));
  const border = popCount(shiftRight(index, inner));
  if (proof.length !== inner + border) throw new ProofLengthError(proof.length, inner + border);
  assertProofHashes(proof);
  const hash = chainInner(Buffer.from(leafHash), proof.slice(0, inner), index);
  return chainBorderRight(hash, proof.slice(inner));
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2): that the tree of `size2` leaves with root
 * `root2` extends the tree of `size1` leaves with root `root1`. Equal sizes need an empty proof and
 * equal roots. Throws TreeSizeOrderError, EmptyTreeConsistencyError, ProofLengthError,
 * HashLengthError or RootMismatchError.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const calculated = rootFromConsistencyProof(size1, size2, proof, root1);
  if (!calculated.equals(root2)) {
    throw new RootMismatchError('consistency proof, new root', Buffer.from(root2), calculated);
  }
}

/**
 * The new root a consistency proof leads to, after checking that it also rebuilds `root1`. The
 * proof is the inclusion proof of the old tree's last perfect subtree (level = trailing zeros of
 * size1) in the new tree, preceded by that subtree's hash unless it is the whole old tree.
 * Rebuilding with only the left-hand siblings gives the old root; with all of them, the new one.
 */
export function rootFromConsistencyProof(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Buffer {
  assertTreeNumber('size1', size1);
  assertTreeNumber('size2', size2);
  if (size2 < size1) throw new TreeSizeOrderError(size1, size2);
  if (size1 === 0) throw new EmptyTreeConsistencyError(size2);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofLengthError(proof.length, 0);
    return Buffer.from(root1);
  }
  const shift = trailingZeros(size1);
  const inner = bitLength(xor(size1 - 1, size2 - 1)) - shift;
  const border = popCount(shiftRight(size1 - 1, inner + shift));
  const seedFromProof = size1 !== 2 ** shift;
  const expected = (seedFromProof ? 1 : 0) + inner + border;
  if (proof.length !== expected) throw new ProofLengthError(proof.length, expected);
  assertProofHashes(proof);
  const seed = Buffer.from(seedFromProof ? proof[0] : root1);
  const path = proof.slice(seedFromProof ? 1 : 0);
  const mask = shiftRight(size1 - 1, shift);

  const old = chainBorderRight(
    chainInnerRight(seed, path.slice(0, inner), mask),
    path.slice(inner),
  );
  if (!old.equals(root1)) {
    throw new RootMismatchError('consistency proof, old root', Buffer.from(root1), old);
  }
  return chainBorderRight(chainInner(seed, path.slice(0, inner), mask), path.slice(inner));
}

function assertProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((hash, i) => assertHashLength(`proof hash ${i}`, hash));
}

/** Hashes up through the levels below the parting point; bit i of `index` says which side. */
function chainInner(seed: Buffer, proof: readonly Uint8Array[], index: number): Buffer {
  let hash = seed;
  proof.forEach((sibling, i) => {
    hash = bitAt(index, i) === 0 ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
  });
  return hash;
}

/**
 * Like chainInner, but takes only the siblings on the left: the result is the hash of the same
 * subtree as it was when the old tree ended there.
 */
function chainInnerRight(seed: Buffer, proof: readonly Uint8Array[], index: number): Buffer {
  let hash = seed;
  proof.forEach((sibling, i) => {
    if (bitAt(index, i) === 1) hash = hashChildren(sibling, hash);
  });
  return hash;
}

/** Above the parting point every proof hash is a left sibling on the tree's right edge. */
function chainBorderRight(seed: Buffer, proof: readonly Uint8Array[]): Buffer {
  let hash = seed;
  for (const sibling of proof) hash = hashChildren(sibling, hash);
  return hash;
}
