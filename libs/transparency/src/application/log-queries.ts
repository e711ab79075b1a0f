import { Inject, Injectable } from '@nestjs/common';
import {
  cosignatureTimestamp,
  encodeTile,
  IntegrityError,
  openNote,
  parseNote,
  eventLeafHash,
  parseTilePath,
  TileError,
  tileNodeIds,
  formatTlogProof,
  readConsistencyProof,
  readInclusionProof,
  readRoot,
  type StoredChainEntry,
} from '@sunlight/integrity';
import {
  CheckpointNotFoundError,
  CosignatureRefusedError,
  TreeRangeError,
} from '../transparency.errors';
import { TRANSPARENCY_CONFIG, TREE_STORE, type TransparencyConfig } from '../tokens';
import type { StoredCheckpoint, TreeStore } from '../tree-store.port';

export interface InclusionAnswer {
  position: string;
  leafIndex: number;
  treeSize: number;
  rootHash: string;
  leafHash: string;
  proof: string[];
  /** The signed checkpoint of `treeSize` with its cosignatures, when one was signed at that size. */
  checkpoint: string | null;
  event: LeafEvent;
}

/** The event as the leaf covers it: the chained fields, so a client can recompute the leaf hash. */
export interface LeafEvent {
  position: string;
  stream: string;
  revision: string;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
}

export interface CosignatureAnswer {
  size: number;
  witness: string;
  level: string;
  cosignedAt: string;
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}

/** Reads of the tree for the API: checkpoints, proofs and tiles, never beyond the tree's size. */
@Injectable()
export class LogQueries {
  constructor(
    @Inject(TREE_STORE) readonly tree: TreeStore,
    @Inject(TRANSPARENCY_CONFIG) private readonly config: TransparencyConfig,
  ) {}

  /**
   * Keeps a witness's cosignature of the checkpoint of `size`: only from a witness the log is
   * configured with (SUNLIGHT_WITNESS_KEYS), and only one that verifies over that checkpoint's
   * text under the witness's key. It replaces the witness's earlier cosignature of that size;
   * the very line already kept is a replay and writes nothing.
   */
  async addCosignature(
    size: number,
    line: string,
  ): Promise<{ answer: CosignatureAnswer; replayed: boolean }> {
    const name = line.slice(2, line.indexOf(' ', 2));
    const witness = this.config.witnesses.find((candidate) => candidate.keyName === name);
    if (witness === undefined) {
      throw new CosignatureRefusedError(
        `${name} is not one of this log's witnesses (SUNLIGHT_WITNESS_KEYS)`,
      );
    }
    const checkpoint = await this.tree.checkpointOfSize(size);
    if (checkpoint === undefined) throw new CheckpointNotFoundError(size);
    let cosignedAtSec: number;
    try {
      const opened = openNote(`${parseNote(checkpoint.note).text}\n${line}\n`, [witness.verifier]);
      cosignedAtSec = cosignatureTimestamp(opened.verified[0]);
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      throw new CosignatureRefusedError(
        `not a valid cosignature by ${witness.keyName} of the checkpoint of size ${size}: ${error.message}`,
      );
    }
    const answer = {
      size,
      witness: witness.keyName,
      level: witness.level,
      cosignedAt: new Date(cosignedAtSec * 1000).toISOString(),
    };
    const kept = (await this.tree.cosignatures(size)).find((c) => c.witness === witness.keyName);
    if (kept?.signatureLine === line) return { answer, replayed: true };
    await this.tree.putCosignature(size, {
      witness: witness.keyName,
      signatureLine: line,
      receivedAt: new Date(),
    });
    return { answer, replayed: false };
  }

  /** The latest signed checkpoint (or the one of `size`), with every cosignature stored for it. */
  async checkpointNote(size?: number): Promise<string> {
    const checkpoint =
      size === undefined
        ? await this.tree.latestCheckpoint()
        : await this.tree.checkpointOfSize(size);
    if (checkpoint === undefined) throw new CheckpointNotFoundError(size);
    return this.withCosignatures(checkpoint);
  }

  /** The event at `position` (undefined when the log has none there), before any access check. */
  async event(position: number): Promise<StoredChainEntry | undefined> {
    return this.tree.eventAt(position);
  }

  async inclusion(entry: StoredChainEntry, treeSize?: number): Promise<InclusionAnswer> {
    const position = Number(entry.position);
    const size = treeSize ?? (await this.latestCheckpointSize());
    await this.assertWithinTree(size);
    if (position > size) {
      throw new TreeRangeError(`position ${position} is not in the tree of size ${size}`, {
        position,
        treeSize: size,
      });
    }
    const [proof, rootHash, checkpoint] = await Promise.all([
      readInclusionProof(this.tree, position - 1, size),
      readRoot(this.tree, size),
      this.tree.checkpointOfSize(size),
    ]);
    const { hash: _chainHash, ...event } = entry;
    return {
      position: entry.position,
      leafIndex: position - 1,
      treeSize: size,
      rootHash: rootHash.toString('base64'),
      leafHash: eventLeafHash(entry).toString('base64'),
      proof: proof.map((hash) => hash.toString('base64')),
      checkpoint: checkpoint === undefined ? null : await this.withCosignatures(checkpoint),
      event,
    };
  }

  /** A C2SP tlog-proof of the event at `position` against the first checkpoint that covers it. */
  async tlogProof(entry: StoredChainEntry): Promise<string> {
    const position = Number(entry.position);
    const checkpoint = await this.tree.checkpointCovering(position);
    if (checkpoint === undefined) {
      throw new TreeRangeError(`no checkpoint covers position ${position} yet`, { position });
    }
    const proof = await readInclusionProof(this.tree, position - 1, checkpoint.size);
    return formatTlogProof({
      index: position - 1,
      proof,
      checkpoint: await this.withCosignatures(checkpoint),
    });
  }

  async consistency(from: number, to: number): Promise<ConsistencyAnswer> {
    if (from > to) {
      throw new TreeRangeError(`from (${from}) must not exceed to (${to})`, { from, to });
    }
    await this.assertWithinTree(to);
    const [proof, fromRoot, toRoot] = await Promise.all([
      readConsistencyProof(this.tree, from, to),
      readRoot(this.tree, from),
      readRoot(this.tree, to),
    ]);
    return {
      from,
      to,
      fromRoot: fromRoot.toString('base64'),
      toRoot: toRoot.toString('base64'),
      proof: proof.map((hash) => hash.toString('base64')),
    };
  }

  /**
   * A C2SP tlog-tiles tile: `tile/<L>/<N>[.p/<W>]`. A full tile, or a partial one of width W,
   * never changes once the tree has its hashes, so it is served only then. Entry bundles are not
   * served (libs/integrity's README says why).
   */
  async tile(path: string): Promise<Buffer> {
    const tile = parseTilePath(path);
    if (tile.entries) throw new TileError('entry bundles are not served by this log');
    const treeSize = await this.tree.treeSize();
    const hashesAtLevel = Math.floor(treeSize / 256 ** tile.level);
    if (tile.index * 256 + tile.width > hashesAtLevel) {
      throw new TileError(`the tree of ${treeSize} leaves has no tile ${path}`);
    }
    return encodeTile(await this.tree.getNodes(tileNodeIds(tile)));
  }

  private async latestCheckpointSize(): Promise<number> {
    const latest = await this.tree.latestCheckpoint();
    if (latest === undefined) throw new CheckpointNotFoundError();
    return latest.size;
  }

  private async assertWithinTree(size: number): Promise<void> {
    const treeSize = await this.tree.treeSize();
    if (size > treeSize) {
      throw new TreeRangeError(`the tree has ${treeSize} leaves so far, not ${size}`, {
        treeSize,
        asked: size,
      });
    }
  }

  private async withCosignatures(checkpoint: StoredCheckpoint): Promise<string> {
    const cosignatures = await this.tree.cosignatures(checkpoint.size);
    return checkpoint.note + cosignatures.map((c) => `${c.signatureLine}\n`).join('');
  }
}
