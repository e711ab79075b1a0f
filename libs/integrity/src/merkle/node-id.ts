import { bitLength, shiftLeft, shiftRight, trailingZeros } from './bits';

/**
 * A perfect subtree of the log's tree: the node at `level` (0 for leaves) and `index` (0 for the
 * leftmost at that level) covers leaves [index · 2^level, (index + 1) · 2^level). Its hash exists
 * once the tree has (index + 1) · 2^level leaves and never changes after, which is what lets a
 * store keep it in an append-only table keyed by (level, index).
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** The first leaf a node covers. */
export function nodeBegin(id: NodeId): number {
  return shiftLeft(id.index, id.level);
}

/** One past the last leaf a node covers. */
export function nodeEnd(id: NodeId): number {
  return shiftLeft(id.index + 1, id.level);
}

/**
 * The perfect subtrees that exactly cover leaves [begin, end), left to right, each as large as
 * its alignment allows (transparency-dev's compact range decomposition): sizes first grow, then
 * shrink. For begin = 0 they are one node per set bit of `end`, largest first.
 */
export function rangeNodeIds(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  let at = begin;
  while (at < end) {
    const fits = bitLength(end - at) - 1;
    const level = at === 0 ? fits : Math.min(trailingZeros(at), fits);
    ids.push({ level, index: shiftRight(at, level) });
    at += 2 ** level;
  }
  return ids;
}

/** The nodes of the compact range [0, size): all a tree of that size needs to grow or give a root. */
export function compactRangeNodeIds(size: number): NodeId[] {
  return rangeNodeIds(0, size);
}
