import type { GlobalPosition } from '../event-store.port';

/** A position in KurrentDB's transaction log, as the client gives it. */
export interface KurrentPosition {
  commit: bigint;
  prepare: bigint;
}

// An unsigned 64-bit integer has at most 20 decimal digits.
const digits = 20;
const pattern = /^(\d{20})\/(\d{20})$/;
const uint64Max = 2n ** 64n - 1n;

/**
 * `<commit>/<prepare>`, each zero-padded to 20 digits, so that plain string comparison of two
 * positions is the log's order (commit first, then prepare), as the port requires. KurrentDB's
 * positions increase but have gaps; callers only ever compare them.
 */
export function encodeKurrentPosition(position: KurrentPosition): GlobalPosition {
  for (const part of [position.commit, position.prepare]) {
    if (part < 0n || part > uint64Max) {
      throw new RangeError(`not a KurrentDB log position: ${position.commit}/${position.prepare}`);
    }
  }
  return `${position.commit.toString().padStart(digits, '0')}/${position.prepare
    .toString()
    .padStart(digits, '0')}`;
}

export function decodeKurrentPosition(position: GlobalPosition): KurrentPosition {
  const match = pattern.exec(position);
  if (!match) throw new RangeError(`not a position of this store: "${position}"`);
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  if (commit > uint64Max || prepare > uint64Max) {
    throw new RangeError(`not a position of this store: "${position}"`);
  }
  return { commit, prepare };
}
