// Proves the distinct beneficiary count is exact up to its cap, a bounded sketch within a few percent beyond it, and a union when merged.
import fc from 'fast-check';
import {
  addDistinct,
  type DistinctCount,
  distinctKeyOf,
  distinctKeysExactMax,
  distinctSize,
  emptyDistinctCount,
  mergeAllDistinct,
  mergeDistinct,
} from './distinct-count';

const keysFor = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, index) => distinctKeyOf(`id:5303251980010${from + index}`));

const countOf = (keys: readonly string[]): DistinctCount =>
  keys.reduce((count, key) => addDistinct(count, key), emptyDistinctCount());

describe('distinct count', () => {
  it('is exact and sorted below the cap, and ignores repeats', () => {
    const keys = keysFor(0, 1000);
    const count = countOf([...keys, ...keys.slice(0, 300)]);
    expect(distinctSize(count)).toEqual({ value: 1000, exact: true });
    expect('keys' in count && count.keys).toEqual([...keys].sort());
  });

  it('returns the same object when a key is already counted', () => {
    const count = countOf(keysFor(0, 10));
    expect(addDistinct(count, keysFor(3, 1)[0] ?? '')).toBe(count);
  });

  it.each([distinctKeysExactMax + 1, 20_000, 200_000])(
    'becomes a fixed-size sketch within 5 %% for %i people',
    (people) => {
      const count = countOf(keysFor(0, people));
      const size = distinctSize(count);
      expect(size.exact).toBe(false);
      expect(Math.abs(size.value - people) / people).toBeLessThan(0.05);
      expect(JSON.stringify(count).length).toBeLessThan(4200);
    },
  );

  it('counts a person once however many payments and sets they appear in', () => {
    const township = countOf(keysFor(0, 3000));
    const village = countOf(keysFor(2500, 1000));
    const merged = mergeDistinct(township, village);
    expect(Math.abs(distinctSize(merged).value - 3500) / 3500).toBeLessThan(0.05);
  });

  it('merges exact sets into their exact union, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(400), { maxLength: 200 }),
        fc.array(fc.nat(400), { maxLength: 200 }),
        (left, right) => {
          const a = countOf(left.map((n) => keysFor(n, 1)[0] ?? ''));
          const b = countOf(right.map((n) => keysFor(n, 1)[0] ?? ''));
          const union = new Set([...left, ...right]).size;
          expect(distinctSize(mergeDistinct(a, b))).toEqual({ value: union, exact: true });
          expect(mergeDistinct(a, b)).toEqual(mergeDistinct(b, a));
        },
      ),
    );
  });

  it('merges sketches as their union, in any order', () => {
    const a = countOf(keysFor(0, 10_000));
    const b = countOf(keysFor(5_000, 10_000));
    const small = countOf(keysFor(14_000, 2_000));
    expect(mergeDistinct(a, b)).toEqual(mergeDistinct(b, a));
    expect(mergeDistinct(a, small)).toEqual(mergeDistinct(small, a));
    expect(Math.abs(distinctSize(mergeDistinct(a, b)).value - 15_000) / 15_000).toBeLessThan(0.05);
    expect(mergeDistinct(mergeDistinct(a, b), small)).toEqual(
      mergeDistinct(a, mergeDistinct(b, small)),
    );
  });

  it('merges into exactly the sketch that adding every key one by one builds', () => {
    const a = keysFor(0, 6_000);
    const b = keysFor(4_000, 5_000);
    const exact = keysFor(20_000, 1_500);
    const oneByOne = countOf([...a, ...b, ...exact]);
    expect(mergeDistinct(mergeDistinct(countOf(a), countOf(b)), countOf(exact))).toEqual(oneByOne);
    expect(mergeDistinct(countOf(exact), mergeDistinct(countOf(b), countOf(a)))).toEqual(oneByOne);
  });

  it('merges many at once into exactly what merging them one by one gives', () => {
    const oneByOne = (counts: DistinctCount[]) =>
      counts.reduce(mergeDistinct, emptyDistinctCount());
    const cases: DistinctCount[][] = [
      [],
      [countOf(keysFor(0, 10)), countOf(keysFor(5, 10))],
      // Exact sets whose union passes the cap become a sketch.
      [countOf(keysFor(0, 1_500)), countOf(keysFor(1_000, 1_500))],
      [
        countOf(keysFor(0, 3_000)),
        countOf(keysFor(100, 20)),
        countOf(keysFor(2_000, 4_000)),
        emptyDistinctCount(),
      ],
    ];
    for (const counts of cases) {
      expect(mergeAllDistinct(counts)).toEqual(oneByOne(counts));
      expect(distinctSize(mergeAllDistinct(counts))).toEqual(distinctSize(oneByOne(counts)));
    }
  });

  it('refuses a sketch with a register that is not a rank, naming it', () => {
    const sketch = countOf(keysFor(0, 3_000));
    if (!('registers' in sketch)) throw new Error('expected a sketch');
    const broken = { registers: `${sketch.registers.slice(0, 10)}!${sketch.registers.slice(11)}` };
    expect(() => distinctSize(broken)).toThrow('bad sketch register "!"');
    expect(() => mergeAllDistinct([sketch, broken])).toThrow('bad sketch register "!"');
  });
});
