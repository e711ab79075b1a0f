import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The hash that precedes the first event of a log: 32 zero bytes. */
export const genesisHash: Buffer = Buffer.alloc(32);

/**
 * The fields of a stored event that the chain covers. `position` and `revision` are decimal
 * digit strings (JSON numbers would lose precision past 2^53) and `recordedAt` is the ISO-8601
 * UTC form with milliseconds that `Date.prototype.toISOString` produces.
 */
export interface ChainedEventFields {
  position: string;
  stream: string;
  revision: string;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recordedAt: string;
}

/** The canonical bytes of one event: RFC 8785 JSON of exactly the chained fields. */
export function canonicalEventText(event: ChainedEventFields): string {
  return canonicalJson({
    data: event.data,
    id: event.id,
    metadata: event.metadata,
    position: event.position,
    recordedAt: event.recordedAt,
    revision: event.revision,
    stream: event.stream,
    type: event.type,
  });
}

/** hash = SHA-256(prevHash ‖ JCS(event)). */
export function chainHash(prevHash: Buffer, event: ChainedEventFields): Buffer {
  if (prevHash.length !== 32) {
    throw new RangeError(`prevHash must be 32 bytes, got ${prevHash.length}`);
  }
  const canonical = canonicalEventText(event);
  const input = Buffer.allocUnsafe(32 + Buffer.byteLength(canonical, 'utf8'));
  prevHash.copy(input, 0);
  input.write(canonical, 32, 'utf8');
  return hash('sha256', input, 'buffer');
}

/** An event's chain hash and its Merkle leaf hash, with the canonical bytes both cover. */
export interface EventHashes {
  /** SHA-256(prevHash ‖ text): what the log stores beside the event. */
  readonly chain: Buffer;
  /** SHA-256(0x00 ‖ text): the event's leaf in the log's Merkle tree (RFC 6962). */
  readonly leaf: Buffer;
  /** The UTF-8 of the event's RFC 8785 canonical JSON. */
  readonly text: Buffer;
}

/**
 * Both hashes of one event from one encoding of its canonical text: the text is written once
 * after a 32-byte slot holding the previous hash, hashed, then the slot's last byte becomes the
 * leaf prefix 0x00 and the text is hashed again from there. Verifiers and the tree integrator
 * do this for every event of the log; two Hash objects and two encodings per event cost them
 * about a third more.
 */
export function eventHashes(prevHash: Buffer, event: ChainedEventFields): EventHashes {
  if (prevHash.length !== 32) {
    throw new RangeError(`prevHash must be 32 bytes, got ${prevHash.length}`);
  }
  const canonical = canonicalEventText(event);
  const input = Buffer.allocUnsafe(32 + Buffer.byteLength(canonical, 'utf8'));
  prevHash.copy(input, 0);
  input.write(canonical, 32, 'utf8');
  const chain = hash('sha256', input, 'buffer');
  input[31] = 0x00;
  const leaf = hash('sha256', input.subarray(31), 'buffer');
  return { chain, leaf, text: input.subarray(32) };
}
