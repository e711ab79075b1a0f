import type { NodeId, NodeReader, StoredChainEntry } from '@sunlight/integrity';

/**
 * Where the log's Merkle tree, its signed checkpoints and the witnesses' cosignatures are kept
 * (PostgreSQL: migration 11). The tree follows the log; it is never written by the append path.
 */

/** How far the tree has followed the log. */
export interface TreeHead {
  /** Leaves integrated: the position of the last event in the tree. */
  readonly size: number;
  /** The chain hash of that event (32 zero bytes for the empty tree). */
  readonly chainHash: Buffer;
  /** The hashes of compactRangeNodeIds(size), left to right: what CompactRange.restore takes. */
  readonly rangeHashes: readonly Buffer[];
}

/** What one step of the integrator adds: every node completed and the new head. */
export interface TreeGrowth {
  readonly nodes: readonly { id: NodeId; hash: Buffer }[];
  readonly size: number;
  readonly chainHash: Buffer;
  /** Leaves this step added. */
  readonly added: number;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: Buffer;
  /** The signed note, as the log signed it, without cosignatures. */
  readonly note: string;
  readonly signedAt: Date;
}

export interface StoredCosignature {
  readonly witness: string;
  /** `— <witness> <base64 signature>`: the note signature line as the witness sent it. */
  readonly signatureLine: string;
  readonly receivedAt: Date;
}

export interface TreeStore extends NodeReader {
  /**
   * One integration step, alone (concurrent integrators take turns): gives `grow` the head and
   * the next at most `maxEntries` events of the log after it, and writes what it returns, nodes
   * and head together. Returns undefined when the log had nothing new.
   */
  grow(
    maxEntries: number,
    grow: (head: TreeHead, entries: readonly StoredChainEntry[]) => TreeGrowth,
  ): Promise<TreeGrowth | undefined>;
  treeSize(): Promise<number>;
  /** The event at a log position as the chain covers it, with its stored chain hash. */
  eventAt(position: number): Promise<StoredChainEntry | undefined>;
  /** The log's head position (0 when empty), to measure how far the tree lags. */
  logSize(): Promise<number>;
  /** When the first event the tree has not integrated was recorded; undefined when caught up. */
  oldestPendingAt(): Promise<Date | undefined>;
  /** Stores a checkpoint unless one of its size is stored (signing is deterministic: the same). */
  addCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpointOfSize(size: number): Promise<StoredCheckpoint | undefined>;
  /** The smallest stored checkpoint of at least `size`. */
  checkpointCovering(size: number): Promise<StoredCheckpoint | undefined>;
  /** Every stored checkpoint, oldest first (for verify and exports), at most `limit`. */
  checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** Keeps a witness's cosignature of checkpoint `size`, replacing its earlier one. */
  putCosignature(size: number, cosignature: StoredCosignature): Promise<void>;
  cosignatures(size: number): Promise<StoredCosignature[]>;
}
