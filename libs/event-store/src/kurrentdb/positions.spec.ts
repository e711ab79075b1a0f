// Proves that KurrentDB's two-part log positions become port positions whose string order is the log's order (commit, then prepare), and that nothing else decodes as one.
import fc from 'fast-check';
import { decodeKurrentPosition, encodeKurrentPosition } from './positions';

const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('KurrentDB positions', () => {
  it('round-trips every commit/prepare pair', () => {
    fc.assert(
      fc.property(uint64, uint64, (commit, prepare) => {
        expect(decodeKurrentPosition(encodeKurrentPosition({ commit, prepare }))).toEqual({
          commit,
          prepare,
        });
      }),
    );
  });

  it('orders encoded positions by commit, then prepare, as strings', () => {
    fc.assert(
      fc.property(uint64, uint64, uint64, uint64, (c1, p1, c2, p2) => {
        const a = encodeKurrentPosition({ commit: c1, prepare: p1 });
        const b = encodeKurrentPosition({ commit: c2, prepare: p2 });
        const expected = c1 !== c2 ? c1 < c2 : p1 < p2;
        expect(a < b).toBe(expected);
      }),
    );
    expect(encodeKurrentPosition({ commit: 9n, prepare: 0n })).toBe(
      '00000000000000000009/00000000000000000000',
    );
  });

  it('sorts after any PostgreSQL position of the same digits, never mixing the two stores silently', () => {
    // A PostgreSQL position has no slash: decoding it here fails instead of reading garbage.
    expect(() => decodeKurrentPosition('00000000000000000042')).toThrow(RangeError);
  });

  it.each([
    ['', 'empty'],
    ['1/2', 'unpadded'],
    ['00000000000000000001/0000000000000000000x', 'not digits'],
    ['99999999999999999999/00000000000000000000', 'beyond 64 bits'],
    ['00000000000000000001/00000000000000000002/3', 'three parts'],
  ])('refuses %j (%s)', (text) => {
    expect(() => decodeKurrentPosition(text)).toThrow(RangeError);
  });

  it('refuses to encode a negative or oversized part', () => {
    expect(() => encodeKurrentPosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodeKurrentPosition({ commit: 0n, prepare: 2n ** 64n })).toThrow(RangeError);
  });
});
