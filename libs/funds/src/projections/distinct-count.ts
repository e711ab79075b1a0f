import { createHash } from 'node:crypto';
import { invariant } from '@sunlight/kernel';

/*
 * A bounded count of distinct beneficiaries that stays exact while it is small and rolls up.
 *
 * A pure projection updates each document only from the events routed to it, so a county's
 * document cannot ask its townships whether a person is new to them: any distinct count it keeps
 * must remember identities itself. Remembering every identity makes the province document grow
 * with the province's population, so this structure holds the exact set of keys up to
 * `distinctKeysExactMax` (a township's beneficiaries fit) and beyond that a HyperLogLog sketch of
 * 2^12 registers (one character each, about 1.6 % standard error) whose size never changes.
 * Both forms are unions: a person paid in two townships counts once in their county, and the
 * counts of several funds merge into a purpose or a fiscal year at query time.
 *
 * Keys are 48-bit prefixes of SHA-256: collisions are negligible inside an exact set of a few
 * thousand, and the sketch needs only 48 bits. They are not a privacy measure (an ID number has
 * too few possible values to hide behind a hash); the documents are internal read models.
 */

export type DistinctCount =
  /** Exact: sorted, unique keys. */
  | { readonly keys: readonly string[] }
  /** HyperLogLog: one rank character per register. */
  | { readonly registers: string };

export const distinctKeysExactMax = 2048;
export const distinctSketchBits = 12;
const registerCount = 1 << distinctSketchBits;
const keyHexLength = 12;
const indexHexLength = distinctSketchBits / 4;
const rankBits = keyHexLength * 4 - distinctSketchBits;
const rankAlphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const keyPattern = /^[0-9a-f]{12}$/;

export function emptyDistinctCount(): DistinctCount {
  return { keys: [] };
}

/** The key of an identity, such as a normalised ID number. */
export function distinctKeyOf(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, keyHexLength);
}

/** Adds a key; returns the very same object when the count did not change. */
export function addDistinct(count: DistinctCount, key: string): DistinctCount {
  invariant(keyPattern.test(key), `distinct key ${key} is not ${keyHexLength} hex digits`);
  if ('registers' in count) {
    const registers = raiseRegister(count.registers, key);
    return registers === count.registers ? count : { registers };
  }
  const index = lowerBound(count.keys, key);
  if (count.keys[index] === key) return count;
  // One copy (a township's set holds up to 2,048 keys, and each approval adds one).
  const keys = count.keys.slice();
  keys.splice(index, 0, key);
  return keys.length > distinctKeysExactMax ? sketchOf(keys) : { keys };
}

export function mergeDistinct(left: DistinctCount, right: DistinctCount): DistinctCount {
  return mergeAllDistinct([left, right]);
}

/**
 * The union of many counts at once: the same as merging them one by one (a union is a union,
 * and a sketch's registers take the maximum whatever the order), with one conversion of each
 * sketch instead of two per merge. A province's dashboard merges hundreds.
 */
export function mergeAllDistinct(counts: readonly DistinctCount[]): DistinctCount {
  if (counts.every((count) => 'keys' in count)) {
    const keys = [
      ...new Set(counts.flatMap((count) => ('keys' in count ? count.keys : []))),
    ].sort();
    return keys.length > distinctKeysExactMax ? sketchOf(keys) : { keys };
  }
  // Register by register in a byte array: string concatenation per register (or per key, for
  // the exact side) made a province's dashboard spend most of its time here.
  const merged = new Uint8Array(registerCount);
  for (const count of counts) {
    if ('keys' in count) {
      for (const key of count.keys) raiseRank(merged, key);
    } else {
      const other = ranksOf(count.registers);
      for (let index = 0; index < registerCount; index += 1)
        if ((other[index] as number) > (merged[index] as number))
          merged[index] = other[index] as number;
    }
  }
  return { registers: registersOf(merged) };
}

/** The number of distinct keys: exact while the set is small, an estimate once it is a sketch. */
export function distinctSize(count: DistinctCount): { value: number; exact: boolean } {
  if ('keys' in count) return { value: count.keys.length, exact: true };
  return { value: estimate(count.registers), exact: false };
}

function sketchOf(keys: readonly string[]): DistinctCount {
  const ranks = new Uint8Array(registerCount);
  for (const key of keys) raiseRank(ranks, key);
  return { registers: registersOf(ranks) };
}

function raiseRegister(registers: string, key: string): string {
  invariant(
    registers.length === registerCount,
    `a sketch has ${registers.length} registers, not ${registerCount}`,
  );
  const index = Number.parseInt(key.slice(0, indexHexLength), 16);
  const rank = rankOf(Number.parseInt(key.slice(indexHexLength), 16));
  if (rank <= rankOfChar(registers[index] ?? '0')) return registers;
  return registers.slice(0, index) + (rankAlphabet[rank] ?? '0') + registers.slice(index + 1);
}

function raiseRank(ranks: Uint8Array, key: string): void {
  invariant(keyPattern.test(key), `distinct key ${key} is not ${keyHexLength} hex digits`);
  const index = Number.parseInt(key.slice(0, indexHexLength), 16);
  const rank = rankOf(Number.parseInt(key.slice(indexHexLength), 16));
  if (rank > (ranks[index] as number)) ranks[index] = rank;
}

// Sketches are converted by character code through tables: a province's dashboard converts
// hundreds of them, and a call per register made that most of its time.
function ranksOf(registers: string): Uint8Array {
  invariant(
    registers.length === registerCount,
    `a sketch has ${registers.length} registers, not ${registerCount}`,
  );
  const ranks = new Uint8Array(registerCount);
  let valid = true;
  for (let index = 0; index < registerCount; index += 1) {
    const code = registers.charCodeAt(index);
    const rank = code < 128 ? (rankByCharCode[code] as number) : -1;
    if (rank < 0) valid = false;
    ranks[index] = rank;
  }
  if (!valid) for (const char of registers) rankOfChar(char); // names the bad register
  return ranks;
}

const rankCharCodes = Uint8Array.from(rankAlphabet, (char) => char.charCodeAt(0));

function registersOf(ranks: Uint8Array): string {
  const codes = new Uint8Array(registerCount);
  for (let index = 0; index < registerCount; index += 1)
    codes[index] = rankCharCodes[ranks[index] as number] as number;
  return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).toString('latin1');
}

/** Leading zeros of a `rankBits`-bit number, plus one. */
function rankOf(rest: number): number {
  let rank = 1;
  let threshold = 2 ** (rankBits - 1);
  while (rank <= rankBits && rest < threshold) {
    rank += 1;
    threshold /= 2;
  }
  return rank;
}

/** 2^-rank for every rank a register can hold. */
const inversePowers = Float64Array.from(rankAlphabet, (_, rank) => 2 ** -rank);

/** Rank by character code; -1 for a character that is not a rank. */
const rankByCharCode = (() => {
  const ranks = new Int8Array(128).fill(-1);
  for (let rank = 0; rank < rankAlphabet.length; rank += 1)
    ranks[rankAlphabet.charCodeAt(rank)] = rank;
  return ranks;
})();

function rankOfChar(char: string): number {
  const code = char.charCodeAt(0);
  const rank = char.length === 1 && code < 128 ? (rankByCharCode[code] as number) : -1;
  invariant(rank >= 0, `bad sketch register ${JSON.stringify(char)}`);
  return rank;
}

// Flajolet et al. 2007, with linear counting for small cardinalities; 48-bit keys need no
// large-range correction at any population this system will see.
function estimate(registers: string): number {
  const m = registerCount;
  const alpha = 0.7213 / (1 + 1.079 / m);
  let inverseSum = 0;
  let zeroRegisters = 0;
  for (const rank of ranksOf(registers)) {
    inverseSum += inversePowers[rank] as number;
    if (rank === 0) zeroRegisters += 1;
  }
  const raw = (alpha * m * m) / inverseSum;
  if (raw <= 2.5 * m && zeroRegisters > 0) return Math.round(m * Math.log(m / zeroRegisters));
  return Math.round(raw);
}

function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? '') < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
