import { eventHashes, genesisHash, type ChainedEventFields } from './hash-chain';

/** One stored event as a verifier reads it: the chained fields plus the hash stored beside them. */
export interface StoredChainEntry extends ChainedEventFields {
  hash: Buffer;
}

export type ChainBreakKind = 'hash_mismatch' | 'position_gap' | 'position_order';

export interface ChainBreak {
  kind: ChainBreakKind;
  /** The first position at which the log stops matching its chain. */
  position: string;
  detail: string;
}

export type ChainVerification =
  | { ok: true; eventsChecked: number; headPosition: string | undefined; headHash: Buffer }
  | { ok: false; eventsChecked: number; firstBreak: ChainBreak };

export interface VerifyChainOptions {
  /** Called every `progressEvery` events with the count so far. */
  onProgress?: (eventsChecked: number) => void;
  progressEvery?: number;
  /**
   * Called for each event whose hash checks out, with the canonical bytes the chain hashed and
   * the event's Merkle leaf hash over them, so a caller can rebuild the tree in the same walk.
   */
  onVerified?: (entry: StoredChainEntry, leafHash: Buffer, text: Buffer) => void;
}

/**
 * Walks a log in position order and recomputes the chain. Positions must start at 1 and have
 * no gaps: a removed event shows as a gap, an inserted or reordered one as a hash mismatch,
 * an altered one as a hash mismatch at its own position.
 */
export async function verifyChain(
  entries: AsyncIterable<StoredChainEntry>,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  const progressEvery = options.progressEvery ?? 10_000;
  let prevHash = genesisHash;
  let expectedPosition = 1n;
  let eventsChecked = 0;
  let headPosition: string | undefined;
  for await (const entry of entries) {
    const position = BigInt(entry.position);
    if (position !== expectedPosition) {
      const kind: ChainBreakKind = position > expectedPosition ? 'position_gap' : 'position_order';
      return {
        ok: false,
        eventsChecked,
        firstBreak: {
          kind,
          position: expectedPosition.toString(),
          detail: `expected position ${expectedPosition}, found ${position}`,
        },
      };
    }
    const hashes = eventHashes(prevHash, entry);
    const recomputed = hashes.chain;
    if (!recomputed.equals(entry.hash)) {
      return {
        ok: false,
        eventsChecked,
        firstBreak: {
          kind: 'hash_mismatch',
          position: entry.position,
          detail: `stored hash ${entry.hash.toString('hex')} but the event hashes to ${recomputed.toString('hex')}`,
        },
      };
    }
    options.onVerified?.(entry, hashes.leaf, hashes.text);
    prevHash = recomputed;
    expectedPosition += 1n;
    eventsChecked += 1;
    headPosition = entry.position;
    if (options.onProgress && eventsChecked % progressEvery === 0) {
      options.onProgress(eventsChecked);
    }
  }
  return { ok: true, eventsChecked, headPosition, headHash: prevHash };
}
