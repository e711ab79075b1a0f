/**
 * An immutable map from transferId to a small entry, split into fixed buckets by a string hash.
 * `evolve` must not mutate the state it was given, and a county pool collects tens of thousands of
 * transfers over the years; copying one bucket instead of the whole map keeps a full replay
 * linear instead of quadratic.
 */
export const transferBookBucketCount = 64;

export interface TransferBook<Entry> {
  readonly size: number;
  readonly buckets: readonly ReadonlyMap<string, Entry>[];
}

export function emptyTransferBook<Entry>(): TransferBook<Entry> {
  return {
    size: 0,
    buckets: Array.from({ length: transferBookBucketCount }, () => new Map<string, Entry>()),
  };
}

export function findTransfer<Entry>(
  book: TransferBook<Entry>,
  transferId: string,
): Entry | undefined {
  return bucketOf(book, transferId).get(transferId);
}

export function putTransfer<Entry>(
  book: TransferBook<Entry>,
  transferId: string,
  entry: Entry,
): TransferBook<Entry> {
  const index = bucketIndex(transferId);
  const bucket = new Map(book.buckets[index]);
  const isNew = !bucket.has(transferId);
  bucket.set(transferId, entry);
  const buckets = book.buckets.slice();
  buckets[index] = bucket;
  return { size: book.size + (isNew ? 1 : 0), buckets };
}

/**
 * A book built in one pass from entries with distinct ids, as loading a snapshot needs: putting
 * them one by one would copy a bucket per entry, quadratic for a pool with years of transfers.
 */
export function transferBookOf<Entry>(
  entries: Iterable<readonly [string, Entry]>,
): TransferBook<Entry> {
  const buckets = Array.from({ length: transferBookBucketCount }, () => new Map<string, Entry>());
  let size = 0;
  for (const [transferId, entry] of entries) {
    const bucket = buckets[bucketIndex(transferId)] as Map<string, Entry>;
    if (bucket.has(transferId))
      throw new Error(`invariant: transfer ${transferId} twice in one book`);
    bucket.set(transferId, entry);
    size += 1;
  }
  return { size, buckets };
}

/** All entries sorted by transferId, so that a snapshot of the same state is always the same text. */
export function transferEntries<Entry>(book: TransferBook<Entry>): [string, Entry][] {
  const entries = book.buckets.flatMap((bucket) => [...bucket.entries()]);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function bucketOf<Entry>(
  book: TransferBook<Entry>,
  transferId: string,
): ReadonlyMap<string, Entry> {
  const bucket = book.buckets[bucketIndex(transferId)];
  if (bucket === undefined) throw new Error('invariant: transfer book has a missing bucket');
  return bucket;
}

// FNV-1a: cheap, deterministic and good enough to spread client-chosen ids over the buckets.
function bucketIndex(transferId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < transferId.length; i += 1) {
    hash ^= transferId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % transferBookBucketCount;
}
