// The bit helpers give BigInt's answers for every safe integer, where JavaScript's own bit
// operators would cut to 32 bits.
import fc from 'fast-check';
import { bitAt, bitLength, popCount, shiftLeft, shiftRight, trailingZeros, xor } from './bits';

const safe = fc.oneof(
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 0, max: 2 ** 33 }),
  fc.integer({ min: 0, max: 52 }).map((bits) => 2 ** bits),
  fc.integer({ min: 1, max: 53 }).map((bits) => 2 ** bits - 1),
);
const shift = fc.integer({ min: 0, max: 53 });

describe('bit helpers', () => {
  it('agree with BigInt on shifts, bits, lengths, counts and xor', () => {
    fc.assert(
      fc.property(safe, safe, shift, (a, b, k) => {
        const big = BigInt(a);
        expect(shiftRight(a, k)).toBe(Number(big >> BigInt(k)));
        expect(bitAt(a, k)).toBe(Number((big >> BigInt(k)) & 1n));
        expect(bitLength(a)).toBe(a === 0 ? 0 : big.toString(2).length);
        expect(popCount(a)).toBe([...big.toString(2)].filter((c) => c === '1').length);
        expect(xor(a, b)).toBe(Number(big ^ BigInt(b)));
        if (a > 0)
          expect(trailingZeros(a)).toBe(
            big.toString(2).length - 1 - big.toString(2).lastIndexOf('1'),
          );
        const shifted = big << BigInt(k);
        if (shifted <= BigInt(Number.MAX_SAFE_INTEGER))
          expect(shiftLeft(a, k)).toBe(Number(shifted));
      }),
      { numRuns: 2_000 },
    );
  });
});
