// Proves the bucketed transfer book behaves like an immutable map: every version keeps its own contents and lists them in one order.
import fc from 'fast-check';
import {
  emptyTransferBook,
  findTransfer,
  putTransfer,
  transferBookBucketCount,
  transferEntries,
} from './transfer-book';

describe('transfer book', () => {
  it('agrees with a Map after any sequence of puts, and leaves earlier versions untouched', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer()), {
          maxLength: 200,
        }),
        (puts) => {
          const model = new Map<string, number>();
          let book = emptyTransferBook<number>();
          const versions: { book: typeof book; model: Map<string, number> }[] = [];
          for (const [id, value] of puts) {
            versions.push({ book, model: new Map(model) });
            book = putTransfer(book, id, value);
            model.set(id, value);
          }
          versions.push({ book, model });
          for (const version of versions) {
            expect(version.book.size).toBe(version.model.size);
            for (const [id, value] of version.model)
              expect(findTransfer(version.book, id)).toBe(value);
            expect(transferEntries(version.book)).toEqual(
              [...version.model.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            );
          }
        },
      ),
    );
  });

  it('is safe for ids that are special to plain objects', () => {
    const book = putTransfer(emptyTransferBook<string>(), '__proto__', 'x');
    expect(findTransfer(book, '__proto__')).toBe('x');
    expect(findTransfer(book, 'constructor')).toBeUndefined();
  });

  it('spreads ids over its buckets', () => {
    let book = emptyTransferBook<number>();
    for (let i = 0; i < 10 * transferBookBucketCount; i += 1) book = putTransfer(book, `d-${i}`, i);
    expect(book.buckets.every((bucket) => bucket.size > 0)).toBe(true);
  });
});
