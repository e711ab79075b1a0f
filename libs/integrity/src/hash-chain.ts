import { createHash } from 'node:crypto';
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
  return createHash('sha256').update(prevHash).update(canonicalEventText(event), 'utf8').digest();
}
