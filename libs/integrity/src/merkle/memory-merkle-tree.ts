import { CompactRange } from './compact-range';
import { IndexOutOfRangeError, MissingNodeError } from './merkle.errors';
import { type NodeReader } from './node-reader';
import { type NodeId } from './node-id';
import {
  assembleProof,
  assembleRoot,
  consistencyProofPlan,
  inclusionProofPlan,
  rootPlan,
  type ProofPlan,
} from './proof-plan';

/**
 * A whole Merkle tree in memory: a compact range for appending and every complete node, kept per
 * level, for proofs and roots at any size up to the current one. It is the NodeReader the tests
 * and small tools use, and the model a PostgreSQL node table follows (the same nodes, one row
 * each). About 64 bytes per leaf.
 */
export class MemoryMerkleTree implements NodeReader {
  private readonly range = CompactRange.empty();
  private readonly levels: Buffer[][] = [];

  /** A tree of these leaf hashes, in order. */
  static of(leafHashes: Iterable<Buffer>): MemoryMerkleTree {
    const tree = new MemoryMerkleTree();
    tree.appendMany(leafHashes);
    return tree;
  }

  get size(): number {
    return this.range.size;
  }

  append(leafHash: Buffer): void {
    this.range.append(leafHash, (id, hash) => {
      (this.levels[id.level] ??= []).push(hash);
    });
  }

  appendMany(leafHashes: Iterable<Buffer>): void {
    for (const leafHash of leafHashes) this.append(leafHash);
  }

  /** The root at the current size, from the compact range. */
  root(): Buffer {
    return this.range.root();
  }

  /** The root the tree had at an earlier `size`. */
  rootAt(size: number): Buffer {
    const plan = rootPlan(size);
    return assembleRoot(plan, this.getNodesSync(plan.nodeIds));
  }

  inclusionProof(index: number, size: number = this.size): Buffer[] {
    return this.prove(inclusionProofPlan(index, size));
  }

  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    return this.prove(consistencyProofPlan(size1, size2));
  }

  /** The hash of one complete node; MissingNodeError if the tree is too small to have it. */
  getNode(id: NodeId): Buffer {
    const hash = this.levels[id.level]?.[id.index];
    if (hash === undefined) throw new MissingNodeError(id.level, id.index);
    return hash;
  }

  getNodesSync(ids: readonly NodeId[]): Buffer[] {
    return ids.map((id) => this.getNode(id));
  }

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    return this.getNodesSync(ids);
  }

  private prove(plan: ProofPlan): Buffer[] {
    return assembleProof(plan, this.getNodesSync(plan.nodeIds));
  }
}

/** MTH(D[0:n]) of RFC 6962 §2.1 for these leaf hashes. */
export function merkleRoot(leafHashes: Iterable<Buffer>): Buffer {
  const range = CompactRange.empty();
  range.appendMany(leafHashes);
  return range.root();
}

/** The inclusion proof of leaf `index` in the tree of the first `size` of these leaf hashes. */
export function inclusionProof(
  leafHashes: readonly Buffer[],
  index: number,
  size: number = leafHashes.length,
): Buffer[] {
  assertLeavesCover(leafHashes, size);
  return MemoryMerkleTree.of(leafHashes.slice(0, size)).inclusionProof(index, size);
}

/** The consistency proof between the trees of the first `size1` and `size2` of these leaf hashes. */
export function consistencyProof(
  leafHashes: readonly Buffer[],
  size1: number,
  size2: number = leafHashes.length,
): Buffer[] {
  assertLeavesCover(leafHashes, size2);
  return MemoryMerkleTree.of(leafHashes.slice(0, size2)).consistencyProof(size1, size2);
}

/** A tree larger than the leaves given would lack its last leaf: say so by that leaf's index. */
function assertLeavesCover(leafHashes: readonly Buffer[], size: number): void {
  if (size > leafHashes.length) throw new IndexOutOfRangeError(size - 1, leafHashes.length);
}
