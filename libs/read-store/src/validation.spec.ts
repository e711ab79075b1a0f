// Proves the shared query rules: a prefix's upper bound encloses exactly the strings with that prefix in code-point order, and batches keep the newest document per key.
import fc from 'fast-check';
import { InvalidFindQueryError } from './errors';
import { compareCodePoints } from './testing/read-store.contract';
import { normalizeBatch, normalizeFindQuery, prefixUpperBound } from './validation';

describe('prefixUpperBound', () => {
  it('bounds exactly the strings that start with the prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'grapheme' }),
        (prefix, other) => {
          const upper = prefixUpperBound(prefix);
          const inRange =
            compareCodePoints(other, prefix) >= 0 &&
            (upper === undefined || compareCodePoints(other, upper) < 0);
          expect(inRange).toBe(other.startsWith(prefix));
          expect(
            compareCodePoints(prefix + other, prefix) >= 0 &&
              (upper === undefined || compareCodePoints(prefix + other, upper) < 0),
          ).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('steps over the surrogate range and past U+10FFFF', () => {
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{10FFFF}')).toBeUndefined();
    expect(prefixUpperBound('5303')).toBe('5304');
    expect(prefixUpperBound('云南')).toBe(
      `云${String.fromCodePoint(('南'.codePointAt(0) as number) + 1)}`,
    );
  });
});

describe('normalizeFindQuery', () => {
  it('splits in-lists by type and defaults paging', () => {
    expect(normalizeFindQuery({ where: { code: { in: ['a', 1, 'b'] } }, limit: 5 })).toEqual({
      where: [{ field: 'code', condition: { kind: 'in', strings: ['a', 'b'], numbers: [1] } }],
      sortBy: undefined,
      direction: 'asc',
      limit: 5,
      offset: 0,
      version: undefined,
    });
  });

  it('accepts dotted paths of at most four fields and refuses operators', () => {
    expect(() => normalizeFindQuery({ sortBy: 'sort.disbursedFen', limit: 1 })).not.toThrow();
    expect(() => normalizeFindQuery({ sortBy: 'a.b.c.d.e', limit: 1 })).toThrow(
      InvalidFindQueryError,
    );
    expect(() => normalizeFindQuery({ where: { $or: 'x' }, limit: 1 })).toThrow(
      InvalidFindQueryError,
    );
  });
});

describe('normalizeBatch', () => {
  const position = (n: number) => String(n).padStart(20, '0');
  it('keeps the newest document per key and refuses a document beyond the batch position', () => {
    const groups = normalizeBatch({
      projection: 'p',
      version: 1,
      position: position(3),
      documents: [
        { collection: 'c', document: { id: 'a', lastPosition: position(3), n: 3 } },
        { collection: 'c', document: { id: 'a', lastPosition: position(2), n: 2 } },
        { collection: 'd', document: { id: 'a', lastPosition: position(1), n: 1 } },
      ],
    });
    expect(
      [...groups.entries()].map(([collection, documents]) => [
        collection,
        documents.map((entry) => entry.document.n),
      ]),
    ).toEqual([
      ['c', [3]],
      ['d', [1]],
    ]);
    expect(() =>
      normalizeBatch({
        projection: 'p',
        version: 1,
        position: position(3),
        documents: [{ collection: 'c', document: { id: 'a', lastPosition: position(4) } }],
      }),
    ).toThrow(/beyond the batch position/);
  });
});
