import fc from 'fast-check';
import { addFen } from './funds-events';

describe('addFen', () => {
  it('gives the digits BigInt arithmetic gives, on both sides of the quick path', () => {
    const total = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 16n }),
      fc.bigInt({ min: 10n ** 14n, max: 10n ** 15n + 10n }),
    );
    const delta = fc.oneof(
      fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }),
      fc.bigInt({ min: 10n ** 15n - 10n, max: 10n ** 15n + 10n }),
    );
    fc.assert(
      fc.property(total, delta, (base, change) => {
        fc.pre(base + change >= 0n);
        expect(addFen(base.toString(), change, 'total')).toBe((base + change).toString());
      }),
      { numRuns: 5_000 },
    );
    expect(addFen('999999999999999', 1n, 'total')).toBe('1000000000000000');
    expect(addFen('9007199254740993', 0n, 'total')).toBe('9007199254740993');
  });

  it('refuses a total that would go below zero, and a malformed stored total', () => {
    expect(() => addFen('5', -6n, 'dashboards 53 balanceFen')).toThrow(
      'dashboards 53 balanceFen would become negative',
    );
    expect(() => addFen('1e5', 1n, 'total')).toThrow();
    expect(() => addFen('007', 1n, 'total')).toThrow();
    expect(() => addFen('', 1n, 'total')).toThrow();
  });
});
