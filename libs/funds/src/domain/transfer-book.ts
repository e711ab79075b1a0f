/**
 * An immutable map from transferId to a small entry, split by a string hash into fixed buckets,
 * each split again into fixed leaves. `evolve` must not mutate the state it was given, and a pool
 * collects tens of thousands of transfers over the years (a 100,000-line roster adds 100,000 in
 * one job); a put copies one leaf (a few dozen entries at 100,000) and two arrays of 64, so a
 * full replay stays linear. One level of 64 buckets copied a 1,500-entry bucket per put at
 * 100,000 transfers: quadratic (docs/performance.md, rosters).
 */
export const transferBookBucketCount = 64;
/** Leaves per bucket: 4,096 leaves in all. */
export const transferBookLeafCount = 64;

/** One bucket: its leaves and how many entries they hold. */
export interface TransferBucket<Entry> {
  readonly size: number;
  readonly leaves: readonly ReadonlyMap<string, Entry>[];
}

export interface TransferBook<Entry> {
  readonly size: number;
  readonly buckets: readonly TransferBucket<Entry>[];
}

// Shared by every empty book: nothing ever writes into a leaf it did not make itself.
const emptyLeaf: ReadonlyMap<string, never> = new Map<string, never>();
const emptyBucket: TransferBucket<never> = {
  size: 0,
  leaves: Array.from({ length: transferBookLeafCount }, () => emptyLeaf),
};
const emptyBuckets: readonly TransferBucket<never>[] = Array.from(
  { length: transferBookBucketCount },
  () => emptyBucket,
);

export function emptyTransferBook<Entry>(): TransferBook<Entry> {
  return { size: 0, buckets: emptyBuckets };
}

export function findTransfer<Entry>(
  book: TransferBook<Entry>,
  transferId: string,
): Entry | undefined {
  const hash = hashOf(transferId);
  return leafOf(bucketOf(book, hash), hash).get(transferId);
}

export function putTransfer<Entry>(
  book: TransferBook<Entry>,
  transferId: string,
  entry: Entry,
): TransferBook<Entry> {
  const hash = hashOf(transferId);
  const bucket = bucketOf(book, hash);
  const leaf = new Map(leafOf(bucket, hash));
  const isNew = !leaf.has(transferId);
  leaf.set(transferId, entry);
  const leaves = bucket.leaves.slice();
  leaves[leafIndex(hash)] = leaf;
  const buckets = book.buckets.slice();
  buckets[bucketIndex(hash)] = { size: bucket.size + (isNew ? 1 : 0), leaves };
  return { size: book.size + (isNew ? 1 : 0), buckets };
}

/**
 * A book built in one pass from entries with distinct ids, as loading a snapshot needs: putting
 * them one by one would copy a leaf and two arrays per entry.
 */
export function transferBookOf<Entry>(
  entries: Iterable<readonly [string, Entry]>,
): TransferBook<Entry> {
  const leaves = Array.from(
    { length: transferBookBucketCount },
    () => [] as (Map<string, Entry> | undefined)[],
  );
  const sizes = new Array<number>(transferBookBucketCount).fill(0);
  let size = 0;
  for (const [transferId, entry] of entries) {
    const hash = hashOf(transferId);
    const bucketLeaves = leaves[bucketIndex(hash)] as (Map<string, Entry> | undefined)[];
    const index = leafIndex(hash);
    const leaf = bucketLeaves[index] ?? new Map<string, Entry>();
    bucketLeaves[index] = leaf;
    if (leaf.has(transferId))
      throw new Error(`invariant: transfer ${transferId} twice in one book`);
    leaf.set(transferId, entry);
    sizes[bucketIndex(hash)] += 1;
    size += 1;
  }
  const buckets = leaves.map((bucketLeaves, b): TransferBucket<Entry> =>
    sizes[b] === 0
      ? emptyBucket
      : {
          size: sizes[b] as number,
          leaves: Array.from(
            { length: transferBookLeafCount },
            (_, l) => bucketLeaves[l] ?? emptyLeaf,
          ),
        },
  );
  return { size, buckets };
}

/** All entries sorted by transferId, so that a snapshot of the same state is always the same text. */
export function transferEntries<Entry>(book: TransferBook<Entry>): [string, Entry][] {
  const entries: [string, Entry][] = [];
  for (const bucket of book.buckets) {
    if (bucket.size === 0) continue;
    for (const leaf of bucket.leaves) for (const pair of leaf) entries.push(pair);
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function bucketOf<Entry>(book: TransferBook<Entry>, hash: number): TransferBucket<Entry> {
  const bucket = book.buckets[bucketIndex(hash)];
  if (bucket === undefined) throw new Error('invariant: transfer book has a missing bucket');
  return bucket;
}

function leafOf<Entry>(bucket: TransferBucket<Entry>, hash: number): ReadonlyMap<string, Entry> {
  const leaf = bucket.leaves[leafIndex(hash)];
  if (leaf === undefined) throw new Error('invariant: transfer book has a missing leaf');
  return leaf;
}

function bucketIndex(hash: number): number {
  return hash % transferBookBucketCount;
}

function leafIndex(hash: number): number {
  return Math.floor(hash / transferBookBucketCount) % transferBookLeafCount;
}

// FNV-1a: cheap, deterministic and good enough to spread client-chosen ids over the leaves.
function hashOf(transferId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < transferId.length; i += 1) {
    hash ^= transferId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
