// Tile coordinates, paths and contents follow c2sp.org/tlog-tiles (its worked examples included),
// and a client holding only the tiles of a tree size computes the same roots and proofs as the
// log's own node store.
import fc from 'fast-check';
import { MemoryMerkleTree } from '../merkle/memory-merkle-tree';
import { hashLeaf } from '../merkle/rfc6962';
import { readConsistencyProof, readInclusionProof, readRoot } from '../merkle/node-reader';
import {
  decodeTile,
  encodeTile,
  entryBundlePath,
  parseTilePath,
  partialTilesForSize,
  tileAt,
  TileError,
  tileForNode,
  tileHashesFromLeafHashes,
  tileLevelsForSize,
  TileNodeReader,
  tileNodeIds,
  tilePath,
  type TileId,
  type TileReader,
} from './tiles';

const leafCount = 70_000;
const leaves = Array.from({ length: leafCount }, (_, i) => hashLeaf(Buffer.from(`event ${i}`)));
const tree = MemoryMerkleTree.of(leaves);

/** Tiles as a log would serve them, cut from its node store; counts what was fetched. */
function servedTiles(): TileReader & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    fetched,
    getTiles: async (tiles: readonly TileId[]) =>
      tiles.map((tile) => {
        fetched.push(tilePath(tile));
        return encodeTile(tree.getNodesSync(tileNodeIds(tile)));
      }),
  };
}

describe('tile coordinates', () => {
  it('give the spec examples: 70,000 and 256 leaves', () => {
    expect(tileLevelsForSize(70_000)).toEqual([
      { level: 0, fullTiles: 273, partialWidth: 112 },
      { level: 1, fullTiles: 1, partialWidth: 17 },
      { level: 2, fullTiles: 0, partialWidth: 1 },
    ]);
    expect(partialTilesForSize(70_000)).toEqual([
      { level: 0, index: 273, width: 112 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tileLevelsForSize(256)).toEqual([
      { level: 0, fullTiles: 1, partialWidth: 0 },
      { level: 1, fullTiles: 0, partialWidth: 1 },
    ]);
    expect(tileLevelsForSize(0)).toEqual([]);
  });

  it('size each tile by the tree, and refuse tiles the tree does not have', () => {
    expect(tileAt(0, 272, 70_000)).toEqual({ level: 0, index: 272, width: 256 });
    expect(tileAt(1, 1, 70_000)).toEqual({ level: 1, index: 1, width: 17 });
    expect(() => tileAt(0, 274, 70_000)).toThrow(TileError);
    expect(() => tileAt(3, 0, 70_000)).toThrow(TileError);
  });

  it('place every node in the tile whose hashes it is the root of', () => {
    expect(tileForNode({ level: 0, index: 1000 }, 70_000)).toEqual({
      tile: { level: 0, index: 3, width: 256 },
      start: 232,
      count: 1,
    });
    expect(tileForNode({ level: 11, index: 33 }, 70_000)).toEqual({
      tile: { level: 1, index: 1, width: 17 },
      start: 8,
      count: 8,
    });
  });
});

describe('tile paths', () => {
  it('write the index in x-prefixed groups of three digits, as the spec does', () => {
    expect(tilePath({ level: 0, index: 1_234_067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 0, width: 1 })).toBe('tile/2/000.p/1');
    expect(tilePath({ level: 1, index: 1000, width: 17 })).toBe('tile/1/x001/000.p/17');
    expect(entryBundlePath(273, 112)).toBe('tile/entries/273.p/112');
  });

  it('read back what they write', () => {
    const tile = fc.record({
      level: fc.integer({ min: 0, max: 63 }),
      index: fc.oneof(fc.nat({ max: 5_000 }), fc.nat({ max: Number.MAX_SAFE_INTEGER })),
      width: fc.integer({ min: 1, max: 256 }),
    });
    fc.assert(
      fc.property(tile, (t) => {
        expect(parseTilePath(tilePath(t))).toEqual({ ...t, entries: false });
        expect(parseTilePath(entryBundlePath(t.index, t.width))).toEqual({
          level: 0,
          index: t.index,
          width: t.width,
          entries: true,
        });
      }),
    );
  });

  it('refuse every other spelling', () => {
    for (const path of [
      'tile/0/1',
      'tile/0/0001',
      'tile/00/001',
      'tile/64/001',
      'tile/0/x000/001',
      'tile/0/001/234',
      'tile/0/x1/234',
      'tile/0/001.p/0',
      'tile/0/001.p/256',
      'tile/0/001.p/07',
      'tile/0/001.p',
      '/tile/0/001',
      'tile/0/001/',
      'tile/entries/x000/001',
    ]) {
      expect(() => parseTilePath(path)).toThrow(TileError);
    }
  });
});

describe('tile contents', () => {
  it('are the hashes of tree level 8·L, computed alike from leaves or from stored nodes', () => {
    for (const tile of [
      tileAt(0, 5, leafCount),
      tileAt(0, 273, leafCount),
      tileAt(1, 0, leafCount),
    ]) {
      const start = tile.index * 256 ** (tile.level + 1);
      const span = tile.width * 256 ** tile.level;
      expect(tileHashesFromLeafHashes(tile, leaves.slice(start, start + span))).toEqual(
        tree.getNodesSync(tileNodeIds(tile)),
      );
    }
    // A full level-1 tile's hashes are roots of 256-leaf subtrees: the first is the root at 256.
    expect(tree.getNodesSync(tileNodeIds(tileAt(1, 0, leafCount)))[0]).toEqual(tree.rootAt(256));
  });

  it('encode as concatenated hashes and decode only at their width', () => {
    const tile = tileAt(0, 273, leafCount);
    const hashes = tree.getNodesSync(tileNodeIds(tile));
    const data = encodeTile(hashes);
    expect(data).toHaveLength(112 * 32);
    expect(decodeTile(tile, data)).toEqual(hashes);
    expect(() => decodeTile({ ...tile, width: 113 }, data)).toThrow(TileError);
    expect(() => encodeTile([])).toThrow(TileError);
  });
});

describe('proofs from tiles', () => {
  it('equal the log’s own, at the tiles’ size and below, reading each tile once per call', async () => {
    const sizes = fc
      .integer({ min: 1, max: leafCount })
      .chain((size) =>
        fc.tuple(fc.constant(size), fc.integer({ min: 1, max: size }), fc.nat({ max: size - 1 })),
      );
    for (const [size, smaller, index] of fc.sample(sizes, { numRuns: 40, seed: 7 })) {
      const tiles = servedTiles();
      const reader = new TileNodeReader(tiles, size);
      expect(await readRoot(reader, size)).toEqual(tree.rootAt(size));
      expect(await readRoot(reader, smaller)).toEqual(tree.rootAt(smaller));
      expect(await readInclusionProof(reader, index, size)).toEqual(
        tree.inclusionProof(index, size),
      );
      expect(await readConsistencyProof(reader, smaller, size)).toEqual(
        tree.consistencyProof(smaller, size),
      );
      expect(tiles.fetched.length).toBeLessThanOrEqual(4 * 3 * 2);
    }
  });

  it('refuse nodes past the tiles’ size', async () => {
    await expect(readRoot(new TileNodeReader(servedTiles(), 100), 101)).rejects.toThrow();
  });
});
