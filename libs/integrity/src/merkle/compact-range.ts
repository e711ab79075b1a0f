import { bitAt, popCount, shiftRight } from './bits';
import { compactRangeNodeIds, type NodeId } from './node-id';
import { assertHashLength, assertTreeNumber, emptyTreeRoot, hashChildren } from './rfc6962';

/** Told of every node that becomes complete: each appended leaf, then each parent it finishes. */
export type NodeVisitor = (id: NodeId, hash: Buffer) => void;

/**
 * The compact range [0, size) of transparency-dev/merkle: the hashes of the perfect subtrees that
 * cover the first `size` leaves, one per set bit of `size`, largest first. That is all a log needs
 * to append and to give its current root, O(log n) hashes however long the log. Appending reports
 * each node that becomes complete (amortised two per leaf), which is what a store keeps so that
 * it can later answer proofs for any size up to the current one (see NodeReader).
 */
export class CompactRange {
  private constructor(
    private currentSize: number,
    private readonly hashes: Buffer[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * A range rebuilt from stored nodes: `hashes` are those of compactRangeNodeIds(size), in that
   * order. A log restarts from here instead of re-reading every leaf.
   */
  static restore(size: number, hashes: readonly Buffer[]): CompactRange {
    assertTreeNumber('size', size);
    if (hashes.length !== popCount(size)) {
      throw new RangeError(
        `a range of size ${size} has ${popCount(size)} nodes, not ${hashes.length}`,
      );
    }
    hashes.forEach((hash, i) => assertHashLength(`node hash ${i}`, hash));
    return new CompactRange(size, [...hashes]);
  }

  get size(): number {
    return this.currentSize;
  }

  /** The ids and hashes this range holds, left to right: what `restore` takes back. */
  nodes(): { id: NodeId; hash: Buffer }[] {
    return compactRangeNodeIds(this.currentSize).map((id, i) => ({ id, hash: this.hashes[i] }));
  }

  /** Appends the next leaf (its hashLeaf hash), merging every pair of equal subtrees it completes. */
  append(leafHash: Buffer, visit?: NodeVisitor): void {
    assertHashLength('leaf hash', leafHash);
    const index = this.currentSize;
    assertTreeNumber('size', index + 1);
    let hash = leafHash;
    visit?.({ level: 0, index }, hash);
    // Each trailing one bit of the old size is a subtree of that level waiting for a right sibling.
    for (let level = 0; bitAt(index, level) === 1; level += 1) {
      const left = this.hashes.pop();
      if (left === undefined)
        throw new Error('compact range lost a node: its size and hashes disagree');
      hash = hashChildren(left, hash);
      visit?.({ level: level + 1, index: shiftRight(index, level + 1) }, hash);
    }
    this.hashes.push(hash);
    this.currentSize = index + 1;
  }

  appendMany(leafHashes: Iterable<Buffer>, visit?: NodeVisitor): void {
    for (const leafHash of leafHashes) this.append(leafHash, visit);
  }

  /** The RFC 6962 root of the tree of the leaves appended so far. */
  root(): Buffer {
    if (this.hashes.length === 0) return emptyTreeRoot;
    let hash = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i -= 1) hash = hashChildren(this.hashes[i], hash);
    return hash;
  }
}
