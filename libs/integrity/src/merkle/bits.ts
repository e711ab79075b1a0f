/**
 * Bit arithmetic on tree sizes and indexes held as JavaScript numbers. The `^`, `>>` and `&`
 * operators cut their operands to 32 bits, which a log passes at 2^31 events; these helpers are
 * exact for every safe integer (below 2^53), which is the range `assertTreeSize` admits.
 */

const two32 = 2 ** 32;

/** x · 2^k, exact while the result stays below 2^53. */
export function shiftLeft(x: number, k: number): number {
  return x * 2 ** k;
}

/** floor(x / 2^k). */
export function shiftRight(x: number, k: number): number {
  return Math.floor(x / 2 ** k);
}

/** Bit k of x (0 or 1). */
export function bitAt(x: number, k: number): number {
  return shiftRight(x, k) % 2;
}

/** The number of bits needed to write x: 0 for 0, 1 for 1, 3 for 5. */
export function bitLength(x: number): number {
  if (x < two32) return 32 - Math.clz32(x);
  return 32 + bitLength(Math.floor(x / two32));
}

/** The number of set bits of x. */
export function popCount(x: number): number {
  return popCount32(x >>> 0) + popCount32(Math.floor(x / two32));
}

function popCount32(x: number): number {
  let count = 0;
  for (let rest = x; rest !== 0; rest >>>= 1) count += rest & 1;
  return count;
}

/** The number of trailing zero bits of x, for x > 0. */
export function trailingZeros(x: number): number {
  const low = x >>> 0;
  if (low !== 0) return 31 - Math.clz32(low & -low);
  return 32 + trailingZeros(Math.floor(x / two32));
}

/** a XOR b. `>>> 0` keeps the low 32 bits of each (ToUint32 is exact modulo 2^32). */
export function xor(a: number, b: number): number {
  const high = Math.floor(a / two32) ^ Math.floor(b / two32);
  const low = ((a >>> 0) ^ (b >>> 0)) >>> 0;
  return high * two32 + low;
}
