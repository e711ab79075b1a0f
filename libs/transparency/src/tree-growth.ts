import { CompactRange, eventHashes, type NodeId, type StoredChainEntry } from '@sunlight/integrity';
import { LogChainBreakError } from './transparency.errors';
import type { TreeGrowth, TreeHead } from './tree-store.port';

/**
 * Appends the next events to the tree: each must sit at the next position and chain from the
 * previous one as stored (so an event edited before the tree reached it stops the tree there),
 * and its leaf is SHA-256(0x00 ‖ the same canonical text the chain hashes). Pure: the store
 * writes what it returns.
 */
export function growTree(head: TreeHead, entries: readonly StoredChainEntry[]): TreeGrowth {
  const range = CompactRange.restore(head.size, head.rangeHashes);
  const nodes: { id: NodeId; hash: Buffer }[] = [];
  let chainHash = head.chainHash;
  for (const entry of entries) {
    const position = range.size + 1;
    if (entry.position !== String(position)) {
      throw new LogChainBreakError(position, `the next event found is at ${entry.position}`);
    }
    const hashes = eventHashes(chainHash, entry);
    if (!hashes.chain.equals(entry.hash)) {
      throw new LogChainBreakError(position, 'its stored hash is not the hash of its content');
    }
    range.append(hashes.leaf, (id, hash) => nodes.push({ id, hash }));
    chainHash = hashes.chain;
  }
  return { nodes, size: range.size, chainHash, added: range.size - head.size };
}
