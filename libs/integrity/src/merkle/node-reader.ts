import { type NodeId } from './node-id';
import {
  assembleProof,
  assembleRoot,
  consistencyProofPlan,
  inclusionProofPlan,
  rootPlan,
} from './proof-plan';

/**
 * Where proofs read stored subtree hashes from: a PostgreSQL table keyed by (level, index), or
 * memory. `getNodes` returns the hashes in the order asked and throws MissingNodeError for a node
 * it does not hold. Every proof and root below asks for O(log n) nodes in one call.
 */
export interface NodeReader {
  getNodes(ids: readonly NodeId[]): Promise<Buffer[]>;
}

/** The root of the tree of the first `size` leaves, for any size the reader has reached. */
export async function readRoot(reader: NodeReader, size: number): Promise<Buffer> {
  const plan = rootPlan(size);
  return assembleRoot(plan, await reader.getNodes(plan.nodeIds));
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function readInclusionProof(
  reader: NodeReader,
  index: number,
  size: number,
): Promise<Buffer[]> {
  const plan = inclusionProofPlan(index, size);
  return assembleProof(plan, await reader.getNodes(plan.nodeIds));
}

/** The consistency proof from the tree of `size1` leaves to the tree of `size2`. */
export async function readConsistencyProof(
  reader: NodeReader,
  size1: number,
  size2: number,
): Promise<Buffer[]> {
  const plan = consistencyProofPlan(size1, size2);
  return assembleProof(plan, await reader.getNodes(plan.nodeIds));
}
