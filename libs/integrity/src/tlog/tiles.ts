import { IntegrityError } from '../integrity-error';
import { merkleRoot } from '../merkle/memory-merkle-tree';
import { MissingNodeError } from '../merkle/merkle.errors';
import { type NodeReader } from '../merkle/node-reader';
import { nodeEnd, type NodeId } from '../merkle/node-id';
import { assertHashLength, assertTreeNumber, hashSizeBytes } from '../merkle/rfc6962';

/**
 * The tile arithmetic of C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the tree served as static
 * "tiles", each up to 256 consecutive hashes of one tree level. Tile level L holds the hashes of
 * tree level 8·L (level 0: leaf hashes; level 1: roots of 256-leaf subtrees, …), so a tile's hashes
 * are exactly the nodes (8·L, 256·n + i) a node table keeps, and every other node is a few hashes
 * away inside one tile. An HTTP layer serves `tilePath(tile)` with
 * `encodeTile(await reader.getNodes(tileNodeIds(tile)))`.
 */

export const tileHeight = 8;
export const tileWidthMax = 256;
/** The spec's bound on a tile level (decimal 0 to 63). */
export const tileLevelMax = 63;

/** One tile: level L, index n within the level, and width (256 when full, 1 to 255 when partial). */
export interface TileId {
  readonly level: number;
  readonly index: number;
  readonly width: number;
}

/** A tile path that does not follow the spec, or a tile the tree does not have. */
export class TileError extends IntegrityError {
  override readonly name = 'TileError';
  readonly code = 'TILE.INVALID';
  readonly httpStatus = 404;
  constructor(reason: string) {
    super(reason);
  }
}

/** How many hashes tree level 8·level has when the tree has `size` leaves. */
function hashesAtTileLevel(level: number, size: number): number {
  return Math.floor(size / tileWidthMax ** level);
}

/**
 * The tile (level, index) as it stands in the tree of `size` leaves: full, or partial with the
 * width the spec gives (floor(size / 256^level) mod 256). TileError if the tree has no such tile.
 */
export function tileAt(level: number, index: number, size: number): TileId {
  assertTreeNumber('size', size);
  assertTreeNumber('tile index', index);
  if (!Number.isInteger(level) || level < 0 || level > tileLevelMax) {
    throw new TileError(`tile level ${level} is not between 0 and ${tileLevelMax}`);
  }
  const width = Math.min(tileWidthMax, hashesAtTileLevel(level, size) - index * tileWidthMax);
  if (width <= 0) throw new TileError(`the tree of ${size} leaves has no tile ${level}/${index}`);
  return { level, index, width };
}

/**
 * The tiles that represent the tree of `size` leaves, level by level: how many full tiles and the
 * partial one, if any. For 70,000 leaves: level 0, 273 full and one of width 112; level 1, one
 * full and one of width 17; level 2, one of width 1.
 */
export function tileLevelsForSize(
  size: number,
): { level: number; fullTiles: number; partialWidth: number }[] {
  assertTreeNumber('size', size);
  const levels: { level: number; fullTiles: number; partialWidth: number }[] = [];
  for (let level = 0; hashesAtTileLevel(level, size) > 0; level += 1) {
    const hashes = hashesAtTileLevel(level, size);
    levels.push({
      level,
      fullTiles: Math.floor(hashes / tileWidthMax),
      partialWidth: hashes % tileWidthMax,
    });
  }
  return levels;
}

/** The partial tiles of a tree size: what a log must serve beside each checkpoint it publishes. */
export function partialTilesForSize(size: number): TileId[] {
  return tileLevelsForSize(size)
    .filter(({ partialWidth }) => partialWidth > 0)
    .map(({ level, fullTiles, partialWidth }) => ({
      level,
      index: fullTiles,
      width: partialWidth,
    }));
}

/** The nodes whose hashes the tile holds, in order: (8·L, 256·n) to (8·L, 256·n + width − 1). */
export function tileNodeIds(tile: TileId): NodeId[] {
  assertTile(tile);
  const first = tile.index * tileWidthMax;
  return Array.from({ length: tile.width }, (_, i) => ({
    level: tile.level * tileHeight,
    index: first + i,
  }));
}

/**
 * Where a node's hash comes from in the tree of `size` leaves: the tile, and the run of its hashes
 * (`start`, `count` = 2^r for a node r levels above the tile's level) whose root the node is.
 */
export function tileForNode(
  id: NodeId,
  size: number,
): { tile: TileId; start: number; count: number } {
  if (nodeEnd(id) > size) throw new MissingNodeError(id.level, id.index);
  const level = Math.floor(id.level / tileHeight);
  const count = 2 ** (id.level - level * tileHeight);
  const first = id.index * count;
  const index = Math.floor(first / tileWidthMax);
  return { tile: tileAt(level, index, size), start: first - index * tileWidthMax, count };
}

/**
 * The hashes of a tile computed from leaf hashes: `leafHashes` are those of the leaves the tile
 * spans, D[n·256^(L+1) : n·256^(L+1) + width·256^L]; hash i is their i-th 256^L-leaf subtree root.
 */
export function tileHashesFromLeafHashes(tile: TileId, leafHashes: readonly Buffer[]): Buffer[] {
  assertTile(tile);
  const span = tileWidthMax ** tile.level;
  if (leafHashes.length !== tile.width * span) {
    throw new TileError(
      `tile ${tilePath(tile)} spans ${tile.width * span} leaves, not ${leafHashes.length}`,
    );
  }
  return Array.from({ length: tile.width }, (_, i) =>
    merkleRoot(leafHashes.slice(i * span, (i + 1) * span)),
  );
}

/** A tile's bytes: its hashes, concatenated. */
export function encodeTile(hashes: readonly Buffer[]): Buffer {
  if (hashes.length < 1 || hashes.length > tileWidthMax) {
    throw new TileError(`a tile holds 1 to ${tileWidthMax} hashes, not ${hashes.length}`);
  }
  hashes.forEach((hash, i) => assertHashLength(`tile hash ${i}`, hash));
  return Buffer.concat(hashes);
}

/** The hashes in a tile's bytes; TileError unless there are exactly `tile.width` of them. */
export function decodeTile(tile: TileId, data: Uint8Array): Buffer[] {
  assertTile(tile);
  if (data.length !== tile.width * hashSizeBytes) {
    throw new TileError(
      `tile ${tilePath(tile)} is ${tile.width * hashSizeBytes} bytes, not ${data.length}`,
    );
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
  return Array.from({ length: tile.width }, (_, i) =>
    Buffer.from(bytes.subarray(i * hashSizeBytes, (i + 1) * hashSizeBytes)),
  );
}

/** `tile/<L>/<N>[.p/<W>]`, N in 3-digit path elements, all but the last prefixed with `x`. */
export function tilePath(tile: TileId): string {
  assertTile(tile);
  return `tile/${tile.level}/${encodeTileIndex(tile.index)}${partialSuffix(tile.width)}`;
}

/** `tile/entries/<N>[.p/<W>]`: the entry bundle beside level-0 tile N. */
export function entryBundlePath(index: number, width: number): string {
  assertTile({ level: 0, index, width });
  return `tile/entries/${encodeTileIndex(index)}${partialSuffix(width)}`;
}

function encodeTileIndex(index: number): string {
  let rest = Math.floor(index / 1000);
  let path = String(index % 1000).padStart(3, '0');
  while (rest > 0) {
    path = `x${String(rest % 1000).padStart(3, '0')}/${path}`;
    rest = Math.floor(rest / 1000);
  }
  return path;
}

function partialSuffix(width: number): string {
  return width === tileWidthMax ? '' : `.p/${width}`;
}

const tilePathPattern =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Reads a tile or entry-bundle path (`entries: true` for the latter). Only the one canonical
 * spelling of each tile is accepted (no `x000/` in front, no leading zeros), so a cache keyed by
 * path cannot hold one tile twice. Throws TileError.
 */
export function parseTilePath(path: string): TileId & { entries: boolean } {
  const match = tilePathPattern.exec(path);
  if (match === null) throw new TileError(`not a tile path: ${JSON.stringify(path)}`);
  const [, levelText, indexText, widthText] = match;
  const groups = indexText.split('/');
  if (groups.length > 1 && groups[0] === 'x000') {
    throw new TileError(`tile index with leading zeros: ${JSON.stringify(path)}`);
  }
  const index = Number(groups.map((group) => group.replace('x', '')).join(''));
  const width = widthText === undefined ? tileWidthMax : Number(widthText);
  if (widthText !== undefined && width >= tileWidthMax) {
    throw new TileError(`a partial tile is 1 to ${tileWidthMax - 1} wide: ${JSON.stringify(path)}`);
  }
  const entries = levelText === 'entries';
  const tile = { level: entries ? 0 : Number(levelText), index, width };
  assertTile(tile);
  return { ...tile, entries };
}

function assertTile(tile: TileId): void {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > tileLevelMax) {
    throw new TileError(`tile level ${tile.level} is not between 0 and ${tileLevelMax}`);
  }
  if (!Number.isSafeInteger(tile.index) || tile.index < 0) {
    throw new TileError(`tile index ${tile.index} is not a non-negative safe integer`);
  }
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > tileWidthMax) {
    throw new TileError(`tile width ${tile.width} is not between 1 and ${tileWidthMax}`);
  }
}

/** Where tiles come from: a log's HTTP endpoint, a mirror, or files of an export. */
export interface TileReader {
  /** The bytes of each tile, in order; a tile that cannot be had rejects the call. */
  getTiles(tiles: readonly TileId[]): Promise<Uint8Array[]>;
}

/**
 * A NodeReader over the tiles of one tree size: what a client that fetched tiles (a witness, an
 * auditor, the offline verifier) uses to compute roots and proofs with readRoot,
 * readInclusionProof and readConsistencyProof, for that size or any smaller one. Each call reads
 * every tile it needs once.
 */
export class TileNodeReader implements NodeReader {
  constructor(
    private readonly tiles: TileReader,
    private readonly size: number,
  ) {
    assertTreeNumber('size', size);
  }

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const locations = ids.map((id) => tileForNode(id, this.size));
    const wanted = new Map<string, TileId>();
    for (const { tile } of locations) wanted.set(tilePath(tile), tile);
    const tiles = [...wanted.values()];
    const data = await this.tiles.getTiles(tiles);
    const hashesByPath = new Map(
      tiles.map((tile, i) => [tilePath(tile), decodeTile(tile, data[i])]),
    );
    return locations.map(({ tile, start, count }) => {
      const hashes = hashesByPath.get(tilePath(tile)) ?? [];
      return merkleRoot(hashes.slice(start, start + count));
    });
  }
}
