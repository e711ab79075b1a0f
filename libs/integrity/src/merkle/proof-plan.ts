import { bitAt, bitLength, shiftLeft, shiftRight, trailingZeros, xor } from './bits';
import {
  EmptyTreeConsistencyError,
  IndexOutOfRangeError,
  TreeSizeOrderError,
} from './merkle.errors';
import { rangeNodeIds, type NodeId } from './node-id';
import { assertHashLength, assertTreeNumber, emptyTreeRoot, hashChildren } from './rfc6962';

/**
 * Which stored nodes make up a proof or a root, and how to combine them. Each part is one hash of
 * the result: a single perfect node, or (on the tree's right edge, where a subtree is not full yet)
 * the perfect nodes of that unfinished subtree, folded right to left into its RFC 6962 hash. A
 * store reads `nodeIds` in one query, O(log n) of them, and `assembleProof` does the rest.
 */
export interface ProofPlan {
  readonly nodeIds: readonly NodeId[];
  /** Half-open slices of `nodeIds`, one per hash of the result, leaf side first. */
  readonly parts: readonly ProofPart[];
}

export interface ProofPart {
  readonly start: number;
  readonly end: number;
}

class PlanBuilder {
  readonly nodeIds: NodeId[] = [];
  readonly parts: ProofPart[] = [];

  add(ids: readonly NodeId[]): void {
    const start = this.nodeIds.length;
    this.nodeIds.push(...ids);
    this.parts.push({ start, end: this.nodeIds.length });
  }

  build(): ProofPlan {
    return { nodeIds: this.nodeIds, parts: this.parts };
  }
}

/**
 * The plan for RFC 9162 §2.1.3.1 PATH(index, D[0:size]): the inclusion proof of leaf `index` in
 * the tree of `size` leaves. Throws IndexOutOfRangeError unless index < size.
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  assertTreeNumber('index', index);
  assertTreeNumber('size', size);
  if (index >= size) throw new IndexOutOfRangeError(index, size);
  const plan = new PlanBuilder();
  addNodeInclusion(plan, 0, index, size);
  return plan.build();
}

/**
 * The plan for RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]). Empty when the sizes are equal; throws
 * TreeSizeOrderError when size1 > size2 and EmptyTreeConsistencyError when size1 is 0.
 */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  assertTreeNumber('size1', size1);
  assertTreeNumber('size2', size2);
  if (size1 > size2) throw new TreeSizeOrderError(size1, size2);
  if (size1 === 0) throw new EmptyTreeConsistencyError(size2);
  const plan = new PlanBuilder();
  if (size1 === size2) return plan.build();
  // The smallest perfect subtree of the old tree, (level, index), ends at size1. The proof is its
  // inclusion proof in the new tree, preceded by the node itself unless it is the whole old tree
  // (size1 a power of two), whose root the verifier already holds.
  const level = trailingZeros(size1);
  const index = shiftRight(size1 - 1, level);
  if (index !== 0) plan.add([{ level, index }]);
  addNodeInclusion(plan, level, index, size2);
  return plan.build();
}

/** The plan for the root of the tree of `size` leaves: one part folding its compact range. */
export function rootPlan(size: number): ProofPlan {
  assertTreeNumber('size', size);
  const plan = new PlanBuilder();
  if (size > 0) plan.add(rangeNodeIds(0, size));
  return plan.build();
}

/**
 * Appends the inclusion proof of node (level, index) in the tree of `size` leaves, in the order
 * RFC 9162's verifier consumes it. Below the level where the paths to this node and to the last
 * leaf part, every sibling is a full subtree; at that level the sibling on the right holds the last
 * leaf and may be unfinished; above it, only the left siblings along the right edge count
 * (a lone right-edge node is promoted unchanged, not hashed with anything).
 */
function addNodeInclusion(plan: PlanBuilder, level: number, index: number, size: number): void {
  const last = shiftRight(size - 1, level);
  const inner = bitLength(xor(index, last));
  for (let step = 0; step < inner; step += 1) {
    const siblingLevel = level + step;
    const sibling = xor(shiftRight(index, step), 1);
    if (step < inner - 1) {
      plan.add([{ level: siblingLevel, index: sibling }]);
    } else {
      const begin = shiftLeft(sibling, siblingLevel);
      plan.add(rangeNodeIds(begin, Math.min(begin + 2 ** siblingLevel, size)));
    }
  }
  for (let step = inner; shiftRight(index, step) > 0; step += 1) {
    if (bitAt(index, step) === 1) {
      plan.add([{ level: level + step, index: shiftRight(index, step) - 1 }]);
    }
  }
}

/**
 * Combines the hashes of a plan's nodes (in `plan.nodeIds` order) into the proof's hashes. For a
 * root plan, the single result is the root (and the empty tree's root for size 0).
 */
export function assembleProof(plan: ProofPlan, nodeHashes: readonly Buffer[]): Buffer[] {
  if (nodeHashes.length !== plan.nodeIds.length) {
    throw new Error(
      `a node reader returned ${nodeHashes.length} hashes for ${plan.nodeIds.length} nodes`,
    );
  }
  nodeHashes.forEach((hash, i) => assertHashLength(`node hash ${i}`, hash));
  return plan.parts.map(({ start, end }) => {
    let hash = nodeHashes[end - 1];
    for (let i = end - 2; i >= start; i -= 1) hash = hashChildren(nodeHashes[i], hash);
    return hash;
  });
}

/** The root a root plan's node hashes fold to. */
export function assembleRoot(plan: ProofPlan, nodeHashes: readonly Buffer[]): Buffer {
  const [root] = assembleProof(plan, nodeHashes);
  return root ?? emptyTreeRoot;
}
