import fc from 'fast-check';
import { hammingDistance, NearDuplicateIndex, popcount } from './near-duplicate-index';

const hex64 = fc
  .bigInt({ min: 0n, max: (1n << 64n) - 1n })
  .map((n) => n.toString(16).padStart(16, '0'));

/** Flips `bits` distinct bits of a hash. */
function flipped(hash: string, bits: readonly number[]): string {
  let value = BigInt(`0x${hash}`);
  for (const bit of bits) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

describe('near-duplicate index (multi-index hashing)', () => {
  it('counts bits', () => {
    expect(popcount(0)).toBe(0);
    expect(popcount(0xffffffff)).toBe(32);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('0f0f0f0f0f0f0f0f', '0f0f0f0f0f0f0f0e')).toBe(1);
  });

  it('finds exactly what a full scan finds, for any hashes and thresholds', () => {
    fc.assert(
      fc.property(
        fc.array(hex64, { minLength: 1, maxLength: 60 }),
        hex64,
        fc.array(fc.integer({ min: 0, max: 63 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 16 }),
        (hashes, noise, bits, distanceMax) => {
          const index = new NearDuplicateIndex();
          // Some stored hashes lie near the query, so small thresholds are tried too.
          const query = flipped(hashes[0] as string, [...new Set(bits)]);
          const stored = [...hashes, noise];
          stored.forEach((hash, i) => index.add(hash, { projectId: `p${i}`, sha256: String(i) }));
          const expected = stored
            .map((hash, i) => ({ id: `p${i}`, distance: hammingDistance(hash, query) }))
            .filter((entry) => entry.distance <= distanceMax);
          const found = index.near(query, distanceMax);
          expect(found.map((match) => match.projectId).sort()).toEqual(
            expected.map((entry) => entry.id).sort(),
          );
          for (const match of found) {
            expect(match.distance).toBe(
              hammingDistance(stored[Number(match.sha256)] as string, query),
            );
          }
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });

  it('finds a hash 6 bits away spread over every chunk, and not one 7 bits away', () => {
    const index = new NearDuplicateIndex();
    const base = '0123456789abcdef';
    index.add(flipped(base, [0, 17, 33, 49, 50, 63]), { projectId: 'six', sha256: 'a' });
    index.add(flipped(base, [0, 16, 32, 48, 1, 17, 33]), { projectId: 'seven', sha256: 'b' });
    expect(index.near(base, 6).map((match) => [match.projectId, match.distance])).toEqual([
      ['six', 6],
    ]);
    expect(index.size).toBe(2);
  });

  it('refuses a malformed hash and a threshold out of range', () => {
    const index = new NearDuplicateIndex();
    expect(() => index.add('xyz', { projectId: 'p', sha256: 's' })).toThrow(RangeError);
    expect(() => index.near('0123456789abcdef', 33)).toThrow(RangeError);
  });
});
