/**
 * The hash chain for a log that does not keep one itself (KurrentDB): a single keeper follows the
 * whole log in commit order and records each event's chain link — its gapless sequence number,
 * its log position, and `hash = SHA-256(prevHash ‖ JCS(event))` — in a stream of its own, so
 * `verifyKeptChain` can recheck the log and the feeds can hand each event on with its hash.
 *
 * The chained fields are the PostgreSQL chain's (libs/integrity/hash-chain.ts) with one change:
 * `position` is the event's sequence number in the chain (1, 2, 3 …), not its log position,
 * because KurrentDB's positions have gaps and the verifier (and the Merkle tree) count from 1
 * without gaps. The link keeps the log position beside it.
 *
 * Written against the EventStore port only, so it is tested on the PostgreSQL adapter
 * (chain-keeper.spec.ts); it has never run on KurrentDB (no server runs on the build machines).
 * One keeper at a time is guaranteed by the chain stream's exact expected revision: a second one
 * fails its first write with WrongExpectedVersionError and stops.
 */
import {
  chainHash,
  genesisHash,
  verifyChain,
  type ChainVerification,
  type StoredChainEntry,
} from '@sunlight/integrity';
import type { ChainHashes } from '../chain-hashes.port';
import type { EventStore, GlobalPosition, RecordedEvent } from '../event-store.port';
import { derivedEventId } from './store-streams';

export const chainStreamDefault = 'sunlight-chain';
export const chainLinksRecordedType = 'ChainLinksRecorded';
const linksPerRecordMax = 500;

export interface ChainLink {
  /** 1-based, gapless: the event's place in the chain. */
  seq: string;
  position: GlobalPosition;
  stream: string;
  revision: string;
  eventId: string;
  /** Lowercase hex. */
  hash: string;
}

/** The chained fields of one event at its place in the chain. */
export function chainedFields(event: RecordedEvent, seq: bigint) {
  return {
    position: seq.toString(),
    stream: event.streamName,
    revision: event.revision.toString(),
    id: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
}

/** The link of `event`, following the link before it (or the genesis hash). */
export function nextLink(previous: ChainLink | undefined, event: RecordedEvent): ChainLink {
  const seq = previous === undefined ? 1n : BigInt(previous.seq) + 1n;
  const prevHash = previous === undefined ? genesisHash : Buffer.from(previous.hash, 'hex');
  return {
    seq: seq.toString(),
    position: event.position,
    stream: event.streamName,
    revision: event.revision.toString(),
    eventId: event.eventId,
    hash: chainHash(prevHash, chainedFields(event, seq)).toString('hex'),
  };
}

async function lastRecord(
  store: EventStore,
  chainStream: string,
): Promise<{ revision: bigint; last: ChainLink } | undefined> {
  for await (const record of store.readStream(chainStream, {
    direction: 'backwards',
    maxCount: 1,
  })) {
    const links = record.data['links'] as ChainLink[];
    return { revision: record.revision, last: links[links.length - 1]! };
  }
  return undefined;
}

export interface ChainKeeperOptions {
  chainStream?: string;
  signal: AbortSignal;
  /** Called after each record is written, with the last link it holds. */
  onRecorded?: (last: ChainLink) => void;
}

/**
 * Follows the log from where the chain stream ends until `signal` aborts. While catching up,
 * links are written in records of up to 500; once caught up, one record per event, so no event
 * stays unchained while the log is quiet.
 */
export async function keepChain(store: EventStore, options: ChainKeeperOptions): Promise<void> {
  const chainStream = options.chainStream ?? chainStreamDefault;
  const head = await lastRecord(store, chainStream);
  let revision: bigint | undefined = head?.revision;
  let last: ChainLink | undefined = head?.last;
  let pending: ChainLink[] = [];
  let live = false;
  const flush = async () => {
    if (pending.length === 0) return;
    const links = pending;
    await store
      .appendToStream(
        chainStream,
        [
          {
            // The same id for a retried record, so the write is idempotent.
            eventId: derivedEventId(chainStream, links[0]!.seq),
            type: chainLinksRecordedType,
            data: { links },
            metadata: { actor: { id: 'chain-keeper', role: 'system' } },
          },
        ],
        { expectedRevision: revision ?? 'no_stream' },
      )
      .then((result) => (revision = result.nextExpectedRevision));
    pending = [];
    options.onRecorded?.(links[links.length - 1]!);
  };
  for await (const message of store.subscribeToAll({
    signal: options.signal,
    ...(last === undefined ? {} : { after: last.position }),
  })) {
    if (message.kind === 'caughtUp') {
      live = true;
      await flush();
      continue;
    }
    if (message.kind !== 'event' || message.event.streamName === chainStream) continue;
    last = nextLink(last, message.event);
    pending.push(last);
    if (live || pending.length >= linksPerRecordMax) await flush();
  }
  await flush();
}

/** Every link in the chain stream, in order. */
export async function* readChainLinks(
  store: EventStore,
  chainStream = chainStreamDefault,
): AsyncIterable<ChainLink> {
  for await (const record of store.readStream(chainStream)) {
    yield* record.data['links'] as ChainLink[];
  }
}

export interface KeptChainVerification {
  chain: ChainVerification;
  /** Events after the chain's last link: written since the keeper last recorded. */
  eventsNotYetChained: number;
}

/**
 * Rechecks the log against the kept chain: walks the log (without the chain stream) and the links
 * side by side and recomputes every hash from the event as the log holds it now. An altered event
 * shows as a hash mismatch at its sequence number; a removed one (a scavenge), as a mismatch at
 * the first link whose event is not the one it names.
 */
export async function verifyKeptChain(
  store: EventStore,
  chainStream = chainStreamDefault,
): Promise<KeptChainVerification> {
  const links = readChainLinks(store, chainStream)[Symbol.asyncIterator]();
  let eventsNotYetChained = 0;
  async function* entries(): AsyncIterable<StoredChainEntry> {
    let seq = 0n;
    for await (const event of store.readAll()) {
      if (event.streamName === chainStream) continue;
      const link = await links.next();
      if (link.done) {
        eventsNotYetChained += 1;
        continue;
      }
      seq += 1n;
      // The event the link names must be the one the log holds at this place; otherwise the
      // recomputed hash is of another event and cannot match (a removed or inserted event).
      yield { ...chainedFields(event, seq), hash: Buffer.from(link.value.hash, 'hex') };
    }
  }
  try {
    const chain = await verifyChain(entries());
    return { chain, eventsNotYetChained };
  } finally {
    await links.return?.();
  }
}

/**
 * The feeds' chain hashes on a log with a kept chain: read from the chain stream's end backwards
 * until every asked position is found or passed, since the feeds ask about recent events.
 */
export class KeptChainHashes implements ChainHashes {
  constructor(
    private readonly store: EventStore,
    private readonly chainStream = chainStreamDefault,
  ) {}

  async chainHashesOf(
    positions: readonly GlobalPosition[],
  ): Promise<ReadonlyMap<GlobalPosition, string>> {
    const wanted = new Set(positions);
    const found = new Map<GlobalPosition, string>();
    if (wanted.size === 0) return found;
    const lowest = [...wanted].sort()[0]!;
    for await (const record of this.store.readStream(this.chainStream, {
      direction: 'backwards',
    })) {
      const links = record.data['links'] as ChainLink[];
      for (const link of links) if (wanted.has(link.position)) found.set(link.position, link.hash);
      if (found.size === wanted.size || links[0]!.position <= lowest) break;
    }
    return found;
  }
}
