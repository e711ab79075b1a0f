import { canonicalEventText, type ChainedEventFields } from '../hash-chain';
import { assertTreeNumber, hashLeaf } from './rfc6962';
import { InvalidTreeNumberError } from './merkle.errors';

/**
 * The bytes an event contributes to the Merkle tree: the UTF-8 of its RFC 8785 canonical JSON,
 * exactly the bytes the hash chain hashes after the previous hash (`chainHash`). One encoding
 * serves both, so a verifier that re-derives the chain has already built every leaf, and an
 * outsider holding one event can recompute its leaf hash without the events before it.
 */
export function eventLeafBytes(event: ChainedEventFields): Buffer {
  return Buffer.from(canonicalEventText(event), 'utf8');
}

/** hashLeaf(eventLeafBytes(event)): the event's leaf hash in the log's Merkle tree. */
export function eventLeafHash(event: ChainedEventFields): Buffer {
  return hashLeaf(eventLeafBytes(event));
}

/**
 * The leaf index of the event at a log position. Positions are gapless from 1 and leaves from 0,
 * so the event at position p is leaf p − 1 and the tree of size n holds positions 1..n: a tree size
 * is also the head position it covers.
 */
export function leafIndexOfPosition(position: string | bigint): number {
  const value = typeof position === 'bigint' ? position : parsePosition(position);
  const index = Number(value - 1n);
  if (value < 1n) throw new InvalidTreeNumberError('position', position);
  assertTreeNumber('position − 1', index);
  return index;
}

function parsePosition(position: string): bigint {
  if (!/^[1-9][0-9]*$/.test(position)) throw new InvalidTreeNumberError('position', position);
  return BigInt(position);
}
