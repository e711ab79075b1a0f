// The tree, its proofs and the compact range agree with RFC 9162's recursive definitions (MTH,
// PATH, PROOF) and with published Certificate Transparency answers; every proof they produce
// verifies, and a changed bit, index or size makes verification fail.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { IntegrityError } from '../integrity-error';
import { CompactRange } from './compact-range';
import {
  EmptyTreeConsistencyError,
  HashLengthError,
  IndexOutOfRangeError,
  InvalidTreeNumberError,
  MissingNodeError,
  ProofLengthError,
  RootMismatchError,
  TreeSizeOrderError,
} from './merkle.errors';
import {
  consistencyProof,
  inclusionProof,
  MemoryMerkleTree,
  merkleRoot,
} from './memory-merkle-tree';
import { nodeBegin, nodeEnd, type NodeId } from './node-id';
import { readConsistencyProof, readInclusionProof, readRoot } from './node-reader';
import { consistencyProofPlan, inclusionProofPlan, rootPlan } from './proof-plan';
import { emptyTreeRoot, hashChildren, hashLeaf } from './rfc6962';
import {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify';

const hex = (buffers: readonly Buffer[]): string[] => buffers.map((b) => b.toString('hex'));
const fromHex = (text: string): Buffer => Buffer.from(text, 'hex');

/** Distinct leaf hashes, the same on every run. */
function leafHashes(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written out literally, as the oracle.
function rfcRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return emptyTreeRoot;
  if (leaves.length === 1) return leaves[0];
  const k = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(rfcRoot(leaves.slice(0, k)), rfcRoot(leaves.slice(k)));
}

function rfcPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...rfcPath(m, leaves.slice(0, k)), rfcRoot(leaves.slice(k))]
    : [...rfcPath(m - k, leaves.slice(k)), rfcRoot(leaves.slice(0, k))];
}

function rfcSubproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [rfcRoot(leaves)];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m <= k
    ? [...rfcSubproof(m, leaves.slice(0, k), whole), rfcRoot(leaves.slice(k))]
    : [...rfcSubproof(m - k, leaves.slice(k), false), rfcRoot(leaves.slice(0, k))];
}

// The same recursions over leaf ranges instead of hashes, cheap at any size: [begin, end) pairs.
type Range = [number, number];

function rangePath(m: number, begin: number, end: number): Range[] {
  if (end - begin === 1) return [];
  const k = largestPowerOfTwoBelow(end - begin);
  return m < k
    ? [...rangePath(m, begin, begin + k), [begin + k, end]]
    : [...rangePath(m - k, begin + k, end), [begin, begin + k]];
}

function rangeSubproof(m: number, begin: number, end: number, whole: boolean): Range[] {
  if (m === end - begin) return whole ? [] : [[begin, end]];
  const k = largestPowerOfTwoBelow(end - begin);
  return m <= k
    ? [...rangeSubproof(m, begin, begin + k, whole), [begin + k, end]]
    : [...rangeSubproof(m - k, begin + k, end, false), [begin, begin + k]];
}

/** The leaf range each part of a plan hashes: its nodes must be adjacent, left to right. */
function planRanges(plan: {
  nodeIds: readonly NodeId[];
  parts: readonly { start: number; end: number }[];
}): Range[] {
  return plan.parts.map(({ start, end }) => {
    const ids = plan.nodeIds.slice(start, end);
    ids.slice(1).forEach((id, i) => expect(nodeBegin(id)).toBe(nodeEnd(ids[i])));
    return [nodeBegin(ids[0]), nodeEnd(ids[ids.length - 1])];
  });
}

/** Throws unless `check` throws an IntegrityError: a refusal, not a crash. */
function expectRefused(check: () => unknown): void {
  let caught: unknown;
  try {
    check();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IntegrityError);
}

function flipBit(proof: readonly Buffer[], hashIndex: number, bit: number): Buffer[] {
  return proof.map((hash, i) => {
    if (i !== hashIndex) return hash;
    const copy = Buffer.from(hash);
    copy[bit >> 3] ^= 1 << (bit & 7);
    return copy;
  });
}

describe('known answers', () => {
  // The Certificate Transparency test leaves and their roots for sizes 1..8, as published with
  // the CT reference code and transparency-dev/merkle's tests.
  const ctLeaves = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ].map((leaf) => hashLeaf(fromHex(leaf)));
  const ctRoots = [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const tree = MemoryMerkleTree.of(ctLeaves);

  it('gives the published root at every size from 0 to 8', () => {
    ctRoots.forEach((root, size) => {
      expect(merkleRoot(ctLeaves.slice(0, size)).toString('hex')).toBe(root);
      expect(tree.rootAt(size).toString('hex')).toBe(root);
    });
    expect(tree.root().toString('hex')).toBe(ctRoots[8]);
  });

  it.each([
    [
      0,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      5,
      8,
      [
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [
      1,
      5,
      [
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
  ])('gives the published inclusion proof of leaf %i in the tree of %i', (index, size, proof) => {
    expect(hex(tree.inclusionProof(index, size))).toEqual(proof);
    verifyInclusion(ctLeaves[index], index, size, proof.map(fromHex), fromHex(ctRoots[size]));
  });

  it.each([
    [
      1,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      6,
      8,
      [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [
      2,
      5,
      [
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
  ])('gives the published consistency proof from %i to %i', (size1, size2, proof) => {
    expect(hex(tree.consistencyProof(size1, size2))).toEqual(proof);
    verifyConsistency(
      size1,
      size2,
      proof.map(fromHex),
      fromHex(ctRoots[size1]),
      fromHex(ctRoots[size2]),
    );
  });
});

describe('against the RFC 9162 recursive definitions', () => {
  const sizeMax = 40;
  const leaves = leafHashes(sizeMax);
  const tree = MemoryMerkleTree.of(leaves);

  it('every root, inclusion proof and consistency proof up to 40 leaves is the RFC one', () => {
    for (let size = 0; size <= sizeMax; size += 1) {
      const prefix = leaves.slice(0, size);
      expect(tree.rootAt(size)).toEqual(rfcRoot(prefix));
      for (let index = 0; index < size; index += 1) {
        expect(hex(tree.inclusionProof(index, size))).toEqual(hex(rfcPath(index, prefix)));
      }
      for (let size1 = 1; size1 <= size; size1 += 1) {
        expect(hex(tree.consistencyProof(size1, size))).toEqual(
          hex(rfcSubproof(size1, prefix, true)),
        );
      }
    }
  });

  it('plans cover the RFC leaf ranges at any safe size, up to 2^53 − 1', () => {
    const sizes = fc.oneof(
      fc.integer({ min: 1, max: 1_000 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 52 }).map((bits) => 2 ** bits),
      fc.integer({ min: 1, max: 52 }).map((bits) => 2 ** bits - 1),
    );
    const sizeAndIndex = sizes.chain((size) =>
      fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })),
    );
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        expect(planRanges(inclusionProofPlan(index, size))).toEqual(rangePath(index, 0, size));
        const size1 = index + 1;
        expect(planRanges(consistencyProofPlan(size1, size))).toEqual(
          rangeSubproof(size1, 0, size, true),
        );
        expect(planRanges(rootPlan(size))).toEqual([[0, size]]);
      }),
      { numRuns: 400 },
    );
  });

  it('the verifiers expect exactly as many hashes as the plans give, at any safe size', () => {
    const sizeAndIndex = fc
      .integer({ min: 2, max: Number.MAX_SAFE_INTEGER })
      .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 2 })));
    const anyHash = Buffer.alloc(32, 7);
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const inclusionLength = inclusionProofPlan(index, size).parts.length;
        const consistencyLength = consistencyProofPlan(index + 1, size).parts.length;
        const filled = (length: number): Buffer[] => Array(length).fill(anyHash);
        expect(() =>
          rootFromInclusionProof(anyHash, index, size, filled(inclusionLength)),
        ).not.toThrow();
        expect(() =>
          rootFromInclusionProof(anyHash, index, size, filled(inclusionLength + 1)),
        ).toThrow(ProofLengthError);
        // The old root is what the proof rebuilds, so ask for it first and then check with it.
        const proof = filled(consistencyLength);
        const rebuiltOld = (() => {
          try {
            rootFromConsistencyProof(index + 1, size, proof, anyHash);
            return anyHash;
          } catch (error) {
            if (error instanceof RootMismatchError) return error.calculated;
            throw error;
          }
        })();
        expect(() => rootFromConsistencyProof(index + 1, size, proof, rebuiltOld)).not.toThrow();
        expect(() =>
          rootFromConsistencyProof(index + 1, size, filled(consistencyLength + 1), rebuiltOld),
        ).toThrow(ProofLengthError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('proofs from one grown tree, at any earlier size', () => {
  const leafCount = 1_500;
  const leaves = leafHashes(leafCount);
  const tree = MemoryMerkleTree.of(leaves);
  const roots = Array.from({ length: leafCount + 1 }, (_, size) => tree.rootAt(size));
  const sizeAndIndex = fc
    .integer({ min: 1, max: leafCount })
    .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));

  it('the roots at every size are those of the leaves up to it', () => {
    const range = CompactRange.empty();
    roots.forEach((root, size) => {
      expect(range.root()).toEqual(root);
      if (size < leafCount) range.append(leaves[size]);
    });
  });

  it('every inclusion proof verifies; a flipped bit, another index or another size does not', () => {
    fc.assert(
      fc.property(
        sizeAndIndex,
        fc.nat(),
        fc.nat({ max: 255 }),
        fc.nat(),
        ([size, index], pick, bit, other) => {
          const proof = tree.inclusionProof(index, size);
          verifyInclusion(leaves[index], index, size, proof, roots[size]);
          if (proof.length > 0) {
            expectRefused(() =>
              verifyInclusion(
                leaves[index],
                index,
                size,
                flipBit(proof, pick % proof.length, bit),
                roots[size],
              ),
            );
          }
          const flippedLeaf = flipBit([leaves[index]], 0, bit)[0];
          expectRefused(() => verifyInclusion(flippedLeaf, index, size, proof, roots[size]));
          const otherIndex = (index + 1 + (other % size)) % size;
          if (otherIndex !== index) {
            expectRefused(() =>
              verifyInclusion(leaves[index], otherIndex, size, proof, roots[size]),
            );
          }
          const otherSize = 1 + ((size + (other % leafCount)) % leafCount);
          if (otherSize !== size && index < otherSize) {
            expectRefused(() =>
              verifyInclusion(leaves[index], index, otherSize, proof, roots[otherSize]),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every consistency proof verifies; a flipped bit or another size does not', () => {
    fc.assert(
      fc.property(
        sizeAndIndex,
        fc.nat(),
        fc.nat({ max: 255 }),
        fc.nat(),
        ([size2, index], pick, bit, other) => {
          const size1 = index + 1;
          const proof = tree.consistencyProof(size1, size2);
          verifyConsistency(size1, size2, proof, roots[size1], roots[size2]);
          if (proof.length > 0) {
            expectRefused(() =>
              verifyConsistency(
                size1,
                size2,
                flipBit(proof, pick % proof.length, bit),
                roots[size1],
                roots[size2],
              ),
            );
          }
          const otherSize1 = 1 + ((size1 + (other % size2)) % size2);
          if (otherSize1 !== size1) {
            expectRefused(() =>
              verifyConsistency(otherSize1, size2, proof, roots[otherSize1], roots[size2]),
            );
          }
          const otherSize2 =
            size1 + ((size2 - size1 + 1 + (other % leafCount)) % (leafCount - size1 + 1));
          if (otherSize2 !== size2) {
            expectRefused(() =>
              verifyConsistency(size1, otherSize2, proof, roots[size1], roots[otherSize2]),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a root alone does not fix the size, which is why a checkpoint signs the size beside it', () => {
    // Leaf 0's path is the same shape in the trees of 3 and 4 leaves: a size-3 proof checked
    // "at size 4" against the size-3 root passes. Only the signed size tells the two claims apart.
    const proof = tree.inclusionProof(0, 3);
    expect(() => verifyInclusion(leaves[0], 0, 4, proof, roots[3])).not.toThrow();
    expectRefused(() => verifyInclusion(leaves[0], 0, 4, proof, roots[4]));
  });

  it('the node reader gives the same roots and proofs as the synchronous calls', async () => {
    for (const [size, index] of fc.sample(sizeAndIndex, { numRuns: 50, seed: 1 })) {
      expect(await readRoot(tree, size)).toEqual(roots[size]);
      expect(await readInclusionProof(tree, index, size)).toEqual(tree.inclusionProof(index, size));
      expect(await readConsistencyProof(tree, index + 1, size)).toEqual(
        tree.consistencyProof(index + 1, size),
      );
    }
  });

  it('the array functions give the same proofs as the tree', () => {
    expect(inclusionProof(leaves.slice(0, 77), 40)).toEqual(tree.inclusionProof(40, 77));
    expect(consistencyProof(leaves, 13, 77)).toEqual(tree.consistencyProof(13, 77));
  });
});

describe('compact range', () => {
  it('reports each node once, when it becomes complete, with its hash', () => {
    const leaves = leafHashes(300);
    const seen = new Map<string, Buffer>();
    const range = CompactRange.empty();
    leaves.forEach((leaf, i) => {
      range.append(leaf, (id, hash) => {
        const key = `${id.level}/${id.index}`;
        expect(seen.has(key)).toBe(false);
        expect(nodeEnd(id)).toBe(i + 1);
        expect(hash).toEqual(rfcRoot(leaves.slice(nodeBegin(id), nodeEnd(id))));
        seen.set(key, hash);
      });
    });
    // A tree of n leaves has 2n − popcount(n) complete nodes: 600 − 4 for 300 (0b100101100).
    expect(seen.size).toBe(596);
  });

  it('restored from its stored nodes, it carries on as if never stopped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 100 }),
        (split, more) => {
          const leaves = leafHashes(split + more);
          const before = CompactRange.empty();
          before.appendMany(leaves.slice(0, split));
          const stored = before.nodes();
          const after = CompactRange.restore(
            split,
            stored.map((node) => node.hash),
          );
          after.appendMany(leaves.slice(split));
          expect(after.size).toBe(split + more);
          expect(after.root()).toEqual(rfcRoot(leaves));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a restore whose hashes do not fit the size', () => {
    expect(() => CompactRange.restore(3, [Buffer.alloc(32)])).toThrow(RangeError);
  });
});

describe('bad input gets a typed error', () => {
  const tree = MemoryMerkleTree.of(leafHashes(10));
  const leaf = hashLeaf(Buffer.from('leaf 0'));

  it('an index at or past the size', () => {
    expect(() => tree.inclusionProof(10, 10)).toThrow(IndexOutOfRangeError);
    expect(() => verifyInclusion(leaf, 3, 3, [], tree.root())).toThrow(IndexOutOfRangeError);
    expect(() => verifyInclusion(leaf, 0, 0, [], emptyTreeRoot)).toThrow(IndexOutOfRangeError);
  });

  it('sizes in the wrong order, and a proof from the empty tree', () => {
    expect(() => tree.consistencyProof(5, 4)).toThrow(TreeSizeOrderError);
    expect(() => verifyConsistency(5, 4, [], tree.rootAt(5), tree.rootAt(4))).toThrow(
      TreeSizeOrderError,
    );
    expect(() => tree.consistencyProof(0, 4)).toThrow(EmptyTreeConsistencyError);
    expect(() => verifyConsistency(0, 0, [], emptyTreeRoot, emptyTreeRoot)).toThrow(
      EmptyTreeConsistencyError,
    );
  });

  it('a proof of the wrong length', () => {
    const proof = tree.inclusionProof(3, 10);
    expect(() => verifyInclusion(leafHashes(4)[3], 3, 10, proof.slice(1), tree.root())).toThrow(
      ProofLengthError,
    );
    expect(() => verifyConsistency(4, 4, [tree.root()], tree.rootAt(4), tree.rootAt(4))).toThrow(
      ProofLengthError,
    );
  });

  it('hashes that are not 32 bytes', () => {
    expect(() => verifyInclusion(Buffer.alloc(31), 0, 1, [], Buffer.alloc(31))).toThrow(
      HashLengthError,
    );
    const proof = tree.inclusionProof(3, 10);
    proof[1] = Buffer.concat([proof[1], Buffer.of(0)]);
    expect(() => verifyInclusion(leafHashes(4)[3], 3, 10, proof, tree.root())).toThrow(
      HashLengthError,
    );
  });

  it('numbers that are not safe non-negative integers', () => {
    expect(() => inclusionProofPlan(-1, 4)).toThrow(InvalidTreeNumberError);
    expect(() => inclusionProofPlan(1.5, 4)).toThrow(InvalidTreeNumberError);
    expect(() => rootPlan(2 ** 53)).toThrow(InvalidTreeNumberError);
    expect(() => verifyConsistency(1, Number.NaN, [], leaf, leaf)).toThrow(InvalidTreeNumberError);
  });

  it('a node the reader does not have', async () => {
    expect(() => tree.rootAt(11)).toThrow(MissingNodeError);
    await expect(readInclusionProof(tree, 0, 16)).rejects.toThrow(MissingNodeError);
  });

  it('more leaves asked of an array than it holds', () => {
    expect(() => inclusionProof(leafHashes(3), 0, 4)).toThrow(IndexOutOfRangeError);
  });
});

it('hashes leaves and nodes with the RFC 6962 prefixes', () => {
  const sha256 = (...parts: Buffer[]): Buffer =>
    createHash('sha256').update(Buffer.concat(parts)).digest();
  const a = Buffer.from('a');
  expect(hashLeaf(a)).toEqual(sha256(Buffer.of(0), a));
  expect(hashChildren(a, a)).toEqual(sha256(Buffer.of(1), a, a));
  expect(emptyTreeRoot.toString('hex')).toBe(
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});
