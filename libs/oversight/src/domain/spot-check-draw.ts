import { createHash, createHmac } from 'node:crypto';
import { invariant } from '@sunlight/kernel';

/*
 * The spot-check draw (抽查抽样), a pure function anyone can rerun: the same seed hash, spot-check
 * id, population and exclusions give the same sample, item for item and in the same order.
 *
 * The random numbers are HMAC-SHA256 in counter mode, keyed by the log's chain hash at the named
 * position: block i = HMAC-SHA256(key = the 32 bytes of the hash, message =
 * "sunlight/spot-check/v1\n<spotCheckId>\n<i>"), read as big-endian 32-bit words. An integer
 * below n is taken by rejection (a word at or above the largest multiple of n is skipped), so
 * every value is equally likely. Units and the items of each unit are put in order by id (UTF-16
 * code units, as JavaScript compares strings) and then partially shuffled by Fisher–Yates: the
 * first k places of the shuffle are the sample, in the order drawn.
 */

export const spotCheckDrawAlgorithm = 'hmac-sha256-ctr/fisher-yates/v1';

/** One thing that can be drawn: a household, a project or a roster entry, and its unit (a village, a roster). */
export interface SpotCheckItem {
  readonly id: string;
  readonly unit: string;
}

export interface SpotCheckDrawInput {
  /** The log's chain hash at the seed position: 64 lowercase hex digits. */
  readonly seedHash: string;
  readonly spotCheckId: string;
  readonly population: readonly SpotCheckItem[];
  /** Ids already drawn in the period: never drawn again. */
  readonly excluded: ReadonlySet<string>;
  /** Items drawn in each sampled unit (all of them where a unit has fewer). */
  readonly perUnit: number;
  /** Units sampled; absent, every unit with something left to draw. */
  readonly units?: number;
}

export interface SpotCheckSample {
  /** The sampled units, in the order drawn (in id order when every unit is taken). */
  readonly units: readonly string[];
  /** The sampled items, unit by unit, each unit's in the order drawn. */
  readonly items: readonly SpotCheckItem[];
}

const uint32Range = 0x1_0000_0000;

/** A deterministic stream of uniform integers from a seed hash and a spot-check id. */
export function drawStream(seedHash: string, spotCheckId: string): (below: number) => number {
  invariant(/^[0-9a-f]{64}$/.test(seedHash), 'a seed hash is 64 lowercase hex digits');
  const key = Buffer.from(seedHash, 'hex');
  let block = Buffer.alloc(0);
  let offset = 0;
  let counter = 0;
  const nextWord = (): number => {
    if (offset + 4 > block.length) {
      block = createHmac('sha256', key)
        .update(`sunlight/spot-check/v1\n${spotCheckId}\n${counter}`)
        .digest();
      counter += 1;
      offset = 0;
    }
    const word = block.readUInt32BE(offset);
    offset += 4;
    return word;
  };
  return (below) => {
    invariant(
      Number.isInteger(below) && below >= 1 && below <= uint32Range,
      'a bound from 1 to 2^32',
    );
    const limit = uint32Range - (uint32Range % below);
    for (;;) {
      const word = nextWord();
      if (word < limit) return word % below;
    }
  };
}

/** The first `count` places of a Fisher–Yates shuffle of `sorted` (which is left as it was). */
function partialShuffle<T>(sorted: readonly T[], count: number, below: (n: number) => number): T[] {
  const items = [...sorted];
  const taken = Math.min(count, items.length);
  for (let index = 0; index < taken; index += 1) {
    const other = index + below(items.length - index);
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items.slice(0, taken);
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function drawSpotCheckSample(input: SpotCheckDrawInput): SpotCheckSample {
  invariant(Number.isInteger(input.perUnit) && input.perUnit >= 1, 'perUnit is a positive integer');
  invariant(
    input.units === undefined || (Number.isInteger(input.units) && input.units >= 1),
    'units is a positive integer',
  );
  const byUnit = new Map<string, string[]>();
  for (const item of input.population) {
    if (input.excluded.has(item.id)) continue;
    const ids = byUnit.get(item.unit);
    if (ids === undefined) byUnit.set(item.unit, [item.id]);
    else ids.push(item.id);
  }
  const below = drawStream(input.seedHash, input.spotCheckId);
  const allUnits = [...byUnit.keys()].sort(byId);
  const units = input.units === undefined ? allUnits : partialShuffle(allUnits, input.units, below);
  const items: SpotCheckItem[] = [];
  for (const unit of units) {
    const ids = (byUnit.get(unit) as string[]).sort(byId);
    invariant(new Set(ids).size === ids.length, `unit ${unit} lists an item twice`);
    for (const id of partialShuffle(ids, input.perUnit, below)) items.push({ id, unit });
  }
  return { units, items };
}

/**
 * The population's fingerprint, so a verifier can tell it read the same one: SHA-256 of one line
 * per item, `<id>\t<unit>\n`, in id order.
 */
export function spotCheckItemsSha256(items: readonly SpotCheckItem[]): string {
  const hash = createHash('sha256');
  for (const item of [...items].sort((a, b) => byId(a.id, b.id)))
    hash.update(`${item.id}\t${item.unit}\n`);
  return hash.digest('hex');
}
