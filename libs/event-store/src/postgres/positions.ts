import type { GlobalPosition } from '../event-store.port';

const positionDigits = 20;

/** PostgreSQL positions are gapless integers from 1, written zero-padded so strings sort in log order. */
export function encodePosition(position: bigint | string | number): GlobalPosition {
  return BigInt(position).toString().padStart(positionDigits, '0');
}

export function decodePosition(position: GlobalPosition): bigint {
  if (!/^\d{1,20}$/.test(position)) {
    throw new RangeError(`not a position of this store: "${position}"`);
  }
  return BigInt(position);
}
