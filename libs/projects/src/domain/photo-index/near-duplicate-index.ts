/*
 * Near-duplicate lookup over 64-bit perceptual hashes by multi-index hashing (Norouzi, Punjani
 * and Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012): each hash is cut
 * into four 16-bit chunks and filed under each chunk's value in its own table. Two hashes within
 * Hamming distance r differ by at most ⌊r/4⌋ bits in at least one chunk (pigeonhole), so a query
 * probes, in each table, the buckets of every value within ⌊r/4⌋ bits of its chunk (17 buckets for
 * the default r = 6), and checks only the hashes found there. At a million photos a bucket holds
 * about 15 of them, so a lookup reads some hundreds of candidates instead of a million, in
 * memory: a BK-tree answers the same question but visits a large share of its nodes at r = 6 on
 * 64 bits, and a PostgreSQL table of chunk columns would add a round trip per table.
 */

export interface IndexedPhoto {
  readonly projectId: string;
  readonly sha256: string;
}

export interface NearMatch extends IndexedPhoto {
  readonly distance: number;
}

const chunks = 4;
const chunkBits = 16;
const bucketCount = 1 << chunkBits;

export class NearDuplicateIndex {
  private high = new Uint32Array(1024);
  private low = new Uint32Array(1024);
  private photos: IndexedPhoto[] = [];
  private readonly tables: (number[] | undefined)[][] = Array.from(
    { length: chunks },
    () => new Array<number[] | undefined>(bucketCount),
  );
  private marks = new Uint32Array(1024);
  private generation = 0;

  get size(): number {
    return this.photos.length;
  }

  /** Files a photo's hash (16 hex digits) under each of its four chunks. */
  add(dHash: string, photo: IndexedPhoto): void {
    const [high, low] = split(dHash);
    const slot = this.photos.length;
    if (slot === this.high.length) this.grow();
    this.high[slot] = high;
    this.low[slot] = low;
    this.photos.push(photo);
    for (let chunk = 0; chunk < chunks; chunk += 1) {
      const table = this.tables[chunk] as (number[] | undefined)[];
      const key = chunkOf(high, low, chunk);
      const bucket = table[key];
      if (bucket === undefined) table[key] = [slot];
      else bucket.push(slot);
    }
  }

  /** Every photo whose hash lies within `distanceMax` bits of `dHash`, nearest first. */
  near(dHash: string, distanceMax: number): NearMatch[] {
    if (!Number.isInteger(distanceMax) || distanceMax < 0 || distanceMax > 32) {
      throw new RangeError(`distanceMax must be a whole number from 0 to 32, not ${distanceMax}`);
    }
    const [high, low] = split(dHash);
    const radius = Math.floor(distanceMax / chunks);
    this.generation += 1;
    if (this.generation === 0xffffffff) {
      this.marks.fill(0);
      this.generation = 1;
    }
    const found: NearMatch[] = [];
    for (let chunk = 0; chunk < chunks; chunk += 1) {
      const table = this.tables[chunk] as (number[] | undefined)[];
      for (const key of within(chunkOf(high, low, chunk), radius)) {
        const bucket = table[key];
        if (bucket === undefined) continue;
        for (const slot of bucket) {
          if (this.marks[slot] === this.generation) continue;
          this.marks[slot] = this.generation;
          const distance =
            popcount(((this.high[slot] as number) ^ high) >>> 0) +
            popcount(((this.low[slot] as number) ^ low) >>> 0);
          if (distance <= distanceMax)
            found.push({ ...(this.photos[slot] as IndexedPhoto), distance });
        }
      }
    }
    return found.sort((a, b) => a.distance - b.distance || compare(a.projectId, b.projectId));
  }

  private grow(): void {
    const length = this.high.length * 2;
    const grown = (old: Uint32Array) => {
      const next = new Uint32Array(length);
      next.set(old);
      return next;
    };
    this.high = grown(this.high);
    this.low = grown(this.low);
    this.marks = grown(this.marks);
  }
}

/** The number of set bits of a 32-bit value. */
export function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance of two 64-bit hashes written as 16 hex digits. */
export function hammingDistance(a: string, b: string): number {
  const [aHigh, aLow] = split(a);
  const [bHigh, bLow] = split(b);
  return popcount((aHigh ^ bHigh) >>> 0) + popcount((aLow ^ bLow) >>> 0);
}

function split(dHash: string): [number, number] {
  if (!/^[0-9a-f]{16}$/.test(dHash)) throw new RangeError(`not a 64-bit hex hash: ${dHash}`);
  return [Number.parseInt(dHash.slice(0, 8), 16), Number.parseInt(dHash.slice(8), 16)];
}

function chunkOf(high: number, low: number, chunk: number): number {
  const word = chunk < 2 ? high : low;
  return chunk % 2 === 0 ? word >>> 16 : word & 0xffff;
}

/** Every 16-bit value within `radius` bits of `value` (radius 0 to 4 is all a lookup needs). */
function within(value: number, radius: number): number[] {
  const values = [value];
  const flip = (from: number, start: number, left: number) => {
    for (let bit = start; bit < chunkBits; bit += 1) {
      const next = from ^ (1 << bit);
      values.push(next);
      if (left > 1) flip(next, bit + 1, left - 1);
    }
  };
  if (radius > 0) flip(value, 0, radius);
  return values;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
