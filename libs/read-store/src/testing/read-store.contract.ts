/**
 * The shared contract every ReadStore adapter must pass: documents by key, queries (equality,
 * prefix, membership, numeric and code-point sorts, paging, totals), batches written with their
 * checkpoint, the lastPosition guard, versions that fill beside the active one and switch, and
 * Unicode. Adapters call `describeReadStoreContract` from their own spec file.
 */
import {
  InvalidFindQueryError,
  ProjectionVersionActiveError,
  ProjectionVersionRetiredError,
} from '../errors';
import {
  keyOf,
  type FindQuery,
  type ReadDocument,
  type ReadIndex,
  type ReadStore,
} from '../read-store.port';

export interface ReadStoreContractHarness {
  /** A new, empty database; the returned handle (URL or name) is what `openStore` takes. */
  createDatabase(): Promise<string>;
  /** A store on a database from `createDatabase`; the suite closes it. */
  openStore(database: string, indexes: readonly ReadIndex[]): Promise<ReadStore>;
  dropDatabase?(database: string): Promise<void>;
  /** Whether `commitBatch` writes the documents and the checkpoint in one transaction. */
  atomicBatches: boolean;
  /** A document value the store refuses, so that a batch fails half-way (atomic stores only). */
  unwritableValue?: unknown;
}

export const projection = 'dashboards';
export const divisions = 'divisions';
export const contractIndexes: readonly ReadIndex[] = [
  {
    projection,
    collection: divisions,
    fields: ['parentCode', { name: 'disbursedFen', type: 'number' }],
  },
  { projection, collection: divisions, fields: ['name'] },
  { projection, collection: divisions, fields: ['code'] },
  {
    projection,
    collection: divisions,
    fields: ['parentCode', { name: 'sort.disbursedFen', type: 'number' }],
  },
  { projection, collection: divisions, fields: ['holdsMoney', 'code'] },
];

/** Positions shaped like the PostgreSQL event store's: zero-padded, so they compare as strings. */
export function position(n: number): string {
  return String(n).padStart(20, '0');
}

export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (char) => char.codePointAt(0) as number);
  const right = Array.from(b, (char) => char.codePointAt(0) as number);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) return left[i] - right[i];
  }
  return left.length - right.length;
}

function document(id: string, fields: Record<string, unknown>, at: number): ReadDocument {
  return { id, lastPosition: position(at), ...fields };
}

async function commit(
  store: ReadStore,
  version: number,
  documents: ReadDocument[],
  at: number,
  collection = divisions,
): Promise<void> {
  await store.commitBatch({
    projection,
    version,
    documents: documents.map((doc) => ({ collection, document: doc })),
    position: position(at),
  });
}

export function describeReadStoreContract(label: string, harness: ReadStoreContractHarness): void {
  describe(`ReadStore contract: ${label}`, () => {
    const opened: ReadStore[] = [];
    const databases: string[] = [];

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    afterAll(async () => {
      if (harness.dropDatabase)
        for (const database of databases.splice(0)) await harness.dropDatabase(database);
    });

    const freshDatabase = async (): Promise<string> => {
      const database = await harness.createDatabase();
      databases.push(database);
      return database;
    };
    const open = async (
      database: string,
      indexes: readonly ReadIndex[] = contractIndexes,
    ): Promise<ReadStore> => {
      const store = await harness.openStore(database, indexes);
      opened.push(store);
      return store;
    };
    const freshStore = async (): Promise<ReadStore> => open(await freshDatabase());

    describe('documents by key', () => {
      it('get and getMany return what a batch wrote, and leave missing keys out', async () => {
        const store = await freshStore();
        const a = document(
          '530325',
          {
            name: '富源县',
            parentCode: '5303',
            disbursedFen: 360000,
            nested: { list: [1, 'two', null], flag: true },
          },
          3,
        );
        const b = document(
          '530302',
          { name: '麒麟区', parentCode: '5303', disbursedFen: 0, note: null },
          4,
        );
        const total = document('all', { count: 2 }, 4);
        await commit(store, 1, [a, b], 4);
        await commit(store, 1, [total], 4, 'totals');
        await store.activateVersion(projection, 1);

        expect(await store.get(projection, divisions, '530325')).toEqual(a);
        expect(await store.get(projection, divisions, 'missing')).toBeUndefined();
        expect(await store.get(projection, 'no-such-collection', '530325')).toBeUndefined();
        const many = await store.getMany(projection, 1, [
          { collection: divisions, id: '530325' },
          { collection: divisions, id: '530302' },
          { collection: divisions, id: 'missing' },
          { collection: 'totals', id: 'all' },
          { collection: 'no-such-collection', id: 'x' },
        ]);
        expect(new Map([...many].sort())).toEqual(
          new Map([
            [keyOf({ collection: divisions, id: '530302' }), b],
            [keyOf({ collection: divisions, id: '530325' }), a],
            [keyOf({ collection: 'totals', id: 'all' }), total],
          ]),
        );
        expect(await store.getMany(projection, 1, [])).toEqual(new Map());
      });

      it('get and find read nothing before a version is activated; getMany reads the version asked for', async () => {
        const store = await freshStore();
        await commit(store, 1, [document('a', { parentCode: 'p' }, 1)], 1);
        expect(await store.activeVersion(projection)).toBeUndefined();
        expect(await store.get(projection, divisions, 'a')).toBeUndefined();
        expect(
          await store.find(projection, divisions, { where: { parentCode: 'p' }, limit: 10 }),
        ).toEqual({ items: [], total: 0 });
        expect(
          (await store.getMany(projection, 1, [{ collection: divisions, id: 'a' }])).size,
        ).toBe(1);
        expect((await store.find(projection, divisions, { limit: 10, version: 1 })).total).toBe(1);
      });
    });

    describe('find', () => {
      // Children of 5303 with amounts chosen so that a text sort would differ from a numeric one.
      const amounts: Record<string, number | undefined> = {
        '530302': 9,
        '530303': 10,
        '530304': 100,
        '530322': 2.5,
        '530323': -3,
        '530324': 0,
        '530325': 18_000_000_000,
        '530326': 10,
        '530381': 10,
        '530328': undefined,
      };
      const names: Record<string, string> = {
        '530302': '麒麟区',
        '530303': '沾益区',
        '530304': '马龙区',
        '530322': '陆良县',
        '530323': '师宗县',
        '530324': '罗平县',
        '530325': '富源县',
        '530326': '会泽县',
        '530381': '宣威市',
        '530328': 'Zone B',
      };
      const seed = async (): Promise<{ store: ReadStore; children: ReadDocument[] }> => {
        const store = await freshStore();
        const children = Object.keys(amounts).map((code, i) =>
          document(
            code,
            {
              code,
              name: names[code],
              parentCode: '5303',
              level: 3,
              ...(amounts[code] === undefined ? {} : { disbursedFen: amounts[code] }),
              sort: {
                label: names[code],
                ...(amounts[code] === undefined ? {} : { disbursedFen: amounts[code] }),
              },
            },
            i + 1,
          ),
        );
        const others = [
          document(
            '5303',
            {
              code: '5303',
              name: '曲靖市',
              parentCode: '53',
              level: 2,
              disbursedFen: 5,
              holdsMoney: true,
            },
            20,
          ),
          document(
            '5301',
            {
              code: '5301',
              name: '昆明市',
              parentCode: '53',
              level: 2,
              disbursedFen: 10,
              active: true,
              holdsMoney: false,
            },
            21,
          ),
          document(
            '530102',
            {
              code: '530102',
              name: '五华区',
              parentCode: '5301',
              level: 3,
              disbursedFen: '10',
              active: false,
              holdsMoney: true,
            },
            22,
          ),
          document(
            '53',
            { code: '53', name: '云南省', parentCode: null, level: 1, disbursedFen: 1 },
            23,
          ),
        ];
        await commit(store, 1, [...children, ...others], 30);
        await store.activateVersion(projection, 1);
        return { store, children };
      };
      const ids = (result: { items: ReadDocument[] }) => result.items.map((item) => item.id);
      const byAmountThenId = (children: ReadDocument[], direction: 1 | -1) =>
        [...children]
          .sort((x, y) => {
            const a = x.disbursedFen as number | undefined;
            const b = y.disbursedFen as number | undefined;
            const byAmount = a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a - b;
            return direction * (byAmount !== 0 ? byAmount : compareCodePoints(x.id, y.id));
          })
          .map((child) => child.id);

      it('matches by equality and sorts numerically, ascending and descending, ties by id, missing values first', async () => {
        const { store, children } = await seed();
        const asc = await store.find(projection, divisions, {
          where: { parentCode: '5303' },
          sortBy: 'disbursedFen',
          limit: 50,
        });
        expect(ids(asc)).toEqual(byAmountThenId(children, 1));
        expect(asc.total).toBe(children.length);
        expect(asc.items[0]).toEqual(children.find((child) => child.id === '530328'));
        const desc = await store.find(projection, divisions, {
          where: { parentCode: '5303' },
          sortBy: 'disbursedFen',
          direction: 'desc',
          limit: 50,
        });
        expect(ids(desc)).toEqual(byAmountThenId(children, -1));
      });

      it('pages with limit and offset, each document once, with the same total on every page', async () => {
        const { store, children } = await seed();
        const query = (offset: number): FindQuery => ({
          where: { parentCode: '5303' },
          sortBy: 'disbursedFen',
          direction: 'desc',
          limit: 3,
          offset,
        });
        const pages = await Promise.all(
          [0, 3, 6, 9, 12].map((offset) => store.find(projection, divisions, query(offset))),
        );
        expect(pages.flatMap(ids)).toEqual(byAmountThenId(children, -1));
        expect(pages.map((page) => page.total)).toEqual([10, 10, 10, 10, 10]);
        expect(pages.map((page) => page.items.length)).toEqual([3, 3, 3, 1, 0]);
        expect(
          await store.find(projection, divisions, { where: { parentCode: '5303' }, limit: 0 }),
        ).toEqual({ items: [], total: 10 });
      });

      it('matches by prefix, in and type-strict equality', async () => {
        const { store } = await seed();
        const find = (query: Omit<FindQuery, 'limit'>) =>
          store.find(projection, divisions, { limit: 100, sortBy: 'id', ...query }).then(ids);
        expect(await find({ where: { code: { prefix: '53030' } } })).toEqual([
          '530302',
          '530303',
          '530304',
        ]);
        expect(await find({ where: { code: { prefix: '5301' } } })).toEqual(['5301', '530102']);
        expect(await find({ where: { name: { prefix: '富源' } } })).toEqual(['530325']);
        expect(await find({ where: { id: { prefix: '5303' }, level: 2 } })).toEqual(['5303']);
        expect(await find({ where: { parentCode: { in: ['53', '5301'] } } })).toEqual([
          '5301',
          '530102',
          '5303',
        ]);
        expect(await find({ where: { disbursedFen: { in: [10, 2.5] } } })).toEqual([
          '5301',
          '530303',
          '530322',
          '530326',
          '530381',
        ]);
        expect(await find({ where: { disbursedFen: { in: ['10', 9] } } })).toEqual([
          '530102',
          '530302',
        ]);
        expect(await find({ where: { disbursedFen: { in: [] } } })).toEqual([]);
        expect(await find({ where: { disbursedFen: 10, parentCode: '5303' } })).toEqual([
          '530303',
          '530326',
          '530381',
        ]);
        expect(await find({ where: { disbursedFen: '10' } })).toEqual(['530102']);
        expect(await find({ where: { active: true } })).toEqual(['5301']);
        expect(await find({ where: { active: false } })).toEqual(['530102']);
        expect(await find({ where: { holdsMoney: true } })).toEqual(['530102', '5303']);
        expect(await find({ where: { holdsMoney: false } })).toEqual(['5301']);
        expect(await find({ where: { holdsMoney: true, code: { prefix: '5301' } } })).toEqual([
          '530102',
        ]);
        expect(await find({ where: { parentCode: null } })).toEqual(['53']);
        expect(await find({ where: { id: '530325' } })).toEqual(['530325']);
        expect(await find({ where: { id: { in: ['53', 'nope'] } } })).toEqual(['53']);
        expect(await find({ where: { code: { prefix: '' }, level: 1 } })).toEqual(['53']);
      });

      it('sorts strings by code point, declared or not, and by id when no field is given', async () => {
        const { store } = await seed();
        const all = await store.find(projection, divisions, { limit: 100 });
        const expectedIds = all.items.map((item) => item.id).sort(compareCodePoints);
        expect(ids(all)).toEqual(expectedIds);
        expect(
          ids(await store.find(projection, divisions, { limit: 100, direction: 'desc' })),
        ).toEqual([...expectedIds].reverse());
        const byName = await store.find(projection, divisions, { sortBy: 'name', limit: 100 });
        expect(byName.items.map((item) => item.name)).toEqual(
          all.items.map((item) => item.name as string).sort(compareCodePoints),
        );
        const byLevel = await store.find(projection, divisions, {
          sortBy: 'level',
          direction: 'desc',
          limit: 2,
        });
        expect(byLevel.items.map((item) => item.level)).toEqual([3, 3]);
      });

      it('matches and sorts by dotted paths into nested objects', async () => {
        const { store, children } = await seed();
        const desc = await store.find(projection, divisions, {
          where: { parentCode: '5303' },
          sortBy: 'sort.disbursedFen',
          direction: 'desc',
          limit: 50,
        });
        expect(ids(desc)).toEqual(byAmountThenId(children, -1));
        const asc = await store.find(projection, divisions, {
          where: { parentCode: '5303' },
          sortBy: 'sort.disbursedFen',
          limit: 50,
        });
        expect(ids(asc)).toEqual(byAmountThenId(children, 1));
        expect(
          ids(
            await store.find(projection, divisions, {
              where: { 'sort.label': { prefix: '富' } },
              limit: 10,
            }),
          ),
        ).toEqual(['530325']);
        expect(
          ids(
            await store.find(projection, divisions, {
              where: { 'sort.disbursedFen': 10, parentCode: '5303' },
              limit: 10,
            }),
          ),
        ).toEqual(['530303', '530326', '530381']);
        expect(
          ids(
            await store.find(projection, divisions, {
              where: { 'sort.missing': null, level: 2 },
              limit: 10,
            }),
          ),
        ).toEqual(['5301', '5303']);
      });

      it('escapes nothing into patterns: prefixes with regex and LIKE characters match literally', async () => {
        const store = await freshStore();
        const codes = ['a.b', 'aXb', 'a%b', 'a_b', 'a(b', 'a\\b', 'a*b', 'a[b]', 'ab'];
        await commit(
          store,
          1,
          codes.map((code, i) => document(`d${i}`, { code }, i + 1)),
          20,
        );
        await store.activateVersion(projection, 1);
        for (const prefix of ['a.', 'a%', 'a_', 'a(', 'a\\', 'a*', 'a[']) {
          const found = await store.find(projection, divisions, {
            where: { code: { prefix } },
            limit: 50,
          });
          expect(found.items.map((item) => item.code)).toEqual(
            codes.filter((code) => code.startsWith(prefix)),
          );
        }
      });

      it('reads a given version instead of the active one', async () => {
        const store = await freshStore();
        await commit(store, 1, [document('a', { v: 1 }, 1)], 1);
        await store.activateVersion(projection, 1);
        await commit(store, 2, [document('a', { v: 2 }, 1), document('b', { v: 2 }, 1)], 1);
        expect((await store.find(projection, divisions, { limit: 10 })).total).toBe(1);
        expect((await store.find(projection, divisions, { limit: 10, version: 2 })).total).toBe(2);
      });

      it('refuses malformed queries with InvalidFindQueryError', async () => {
        const store = await freshStore();
        const bad: FindQuery[] = [
          { limit: 501 },
          { limit: -1 },
          { limit: 1.5 },
          { limit: 10, offset: -1 },
          { limit: 10, offset: 100_001 },
          { limit: 10, sortBy: 'a..b' },
          { limit: 10, sortBy: 'a.b.c.d.e' },
          { limit: 10, sortBy: '$where' },
          { limit: 10, where: { 'a.$b': 'x' } },
          { limit: 10, where: { $where: 'x' } },
          { limit: 10, where: { a: { in: Array.from({ length: 501 }, (_, i) => i) } } },
          { limit: 10, where: { a: { prefix: 5 } as unknown as { prefix: string } } },
          { limit: 10, where: { a: { $gt: 1 } as unknown as string } },
          { limit: 10, where: { a: Number.NaN } },
          { limit: 10, direction: 'up' as 'asc' },
        ];
        for (const query of bad) {
          await expect(store.find(projection, divisions, query)).rejects.toBeInstanceOf(
            InvalidFindQueryError,
          );
        }
      });
    });

    describe('batches and checkpoints', () => {
      it('starts with no checkpoint and moves it with each batch, also with no documents', async () => {
        const store = await freshStore();
        expect(await store.checkpoint(projection, 1)).toEqual({ position: undefined, version: 1 });
        await commit(store, 1, [document('a', { n: 1 }, 5)], 5);
        expect(await store.checkpoint(projection, 1)).toEqual({
          position: position(5),
          version: 1,
        });
        await commit(store, 1, [], 9);
        expect(await store.checkpoint(projection, 1)).toEqual({
          position: position(9),
          version: 1,
        });
        expect(await store.checkpoint(projection, 2)).toEqual({ position: undefined, version: 2 });
      });

      if (harness.atomicBatches) {
        it('writes a failing batch not at all: no document and no checkpoint move', async () => {
          const store = await freshStore();
          await commit(store, 1, [document('a', { n: 1 }, 1)], 1);
          await expect(
            store.commitBatch({
              projection,
              version: 1,
              documents: [
                { collection: divisions, document: document('a', { n: 2 }, 2) },
                { collection: divisions, document: document('b', { n: 2 }, 2) },
                {
                  collection: 'totals',
                  document: document('c', { bad: harness.unwritableValue }, 2),
                },
              ],
              position: position(2),
            }),
          ).rejects.toThrow();
          const stored = await store.getMany(projection, 1, [
            { collection: divisions, id: 'a' },
            { collection: divisions, id: 'b' },
            { collection: 'totals', id: 'c' },
          ]);
          expect([...stored.values()]).toEqual([document('a', { n: 1 }, 1)]);
          expect((await store.checkpoint(projection, 1)).position).toBe(position(1));
        });
      }

      it('never replaces a document with an older one, nor moves the checkpoint backwards', async () => {
        const store = await freshStore();
        await commit(store, 1, [document('a', { n: 5 }, 5)], 5);
        await commit(store, 1, [document('a', { n: 3 }, 3), document('b', { n: 3 }, 3)], 3);
        const key = [
          { collection: divisions, id: 'a' },
          { collection: divisions, id: 'b' },
        ];
        expect(
          [...(await store.getMany(projection, 1, key)).values()].sort((x, y) =>
            x.id.localeCompare(y.id),
          ),
        ).toEqual([document('a', { n: 5 }, 5), document('b', { n: 3 }, 3)]);
        expect((await store.checkpoint(projection, 1)).position).toBe(position(5));
        await commit(store, 1, [document('a', { n: 5.5 }, 5)], 5);
        expect((await store.getMany(projection, 1, key)).get('divisions/a')).toEqual(
          document('a', { n: 5 }, 5),
        );
        await commit(store, 1, [document('a', { n: 7 }, 7)], 7);
        expect((await store.getMany(projection, 1, key)).get('divisions/a')).toEqual(
          document('a', { n: 7 }, 7),
        );
        expect((await store.checkpoint(projection, 1)).position).toBe(position(7));
      });

      it('keeps the newest of one key given twice in a batch', async () => {
        const store = await freshStore();
        await commit(
          store,
          1,
          [document('a', { n: 2 }, 2), document('a', { n: 3 }, 3), document('a', { n: 1 }, 1)],
          3,
        );
        expect(
          (await store.getMany(projection, 1, [{ collection: divisions, id: 'a' }])).get(
            'divisions/a',
          ),
        ).toEqual(document('a', { n: 3 }, 3));
      });

      it('ends with the newest document when writers race on the same keys', async () => {
        const database = await freshDatabase();
        const writers = [await open(database), await open(database)];
        const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
        const positions = Array.from({ length: 24 }, (_, i) => i + 1).sort(
          () => Math.random() - 0.5,
        );
        await Promise.all(
          positions.map((at, i) =>
            commit(
              writers[i % 2],
              1,
              keys.map((id) => document(id, { writtenAt: at }, at)),
              at,
            ),
          ),
        );
        const stored = await writers[0].getMany(
          projection,
          1,
          keys.map((id) => ({ collection: divisions, id })),
        );
        expect([...stored.values()].map((doc) => doc.writtenAt)).toEqual([24, 24, 24, 24, 24]);
        expect((await writers[1].checkpoint(projection, 1)).position).toBe(position(24));
      });

      it('writes and reads a batch of 5,000 documents', async () => {
        const store = await freshStore();
        const documents = Array.from({ length: 5_000 }, (_, i) =>
          document(
            `h-${String(i).padStart(5, '0')}`,
            { parentCode: `p${i % 7}`, disbursedFen: (i * 7919) % 5_003, name: `户${i}` },
            1 + (i % 50),
          ),
        );
        await commit(store, 1, documents, 100);
        await store.activateVersion(projection, 1);
        const stored = await store.getMany(
          projection,
          1,
          documents.map((doc) => ({ collection: divisions, id: doc.id })),
        );
        expect(stored.size).toBe(5_000);
        expect(stored.get('divisions/h-04999')).toEqual(documents[4_999]);
        const page = await store.find(projection, divisions, {
          where: { parentCode: 'p3' },
          sortBy: 'disbursedFen',
          direction: 'desc',
          limit: 5,
          offset: 10,
        });
        const expected = documents
          .filter((doc) => doc.parentCode === 'p3')
          .sort(
            (x, y) =>
              (y.disbursedFen as number) - (x.disbursedFen as number) ||
              compareCodePoints(y.id, x.id),
          )
          .slice(10, 15);
        expect(page).toEqual({
          items: expected,
          total: documents.filter((doc) => doc.parentCode === 'p3').length,
        });
        expect((await store.find(projection, divisions, { limit: 0 })).total).toBe(5_000);
      });

      it('keeps documents, checkpoints and the active version across a reopen', async () => {
        const database = await freshDatabase();
        const first = await open(database);
        await commit(first, 1, [document('a', { n: 1 }, 4)], 6);
        await first.activateVersion(projection, 1);
        await first.close();
        const second = await open(database);
        expect(await second.checkpoint(projection, 1)).toEqual({
          position: position(6),
          version: 1,
        });
        expect(await second.activeVersion(projection)).toBe(1);
        expect(await second.get(projection, divisions, 'a')).toEqual(document('a', { n: 1 }, 4));
      });

      it('opens twice at once on a new database, each setting it up safely', async () => {
        const database = await freshDatabase();
        const [one, two] = await Promise.all([open(database), open(database)]);
        await commit(one, 1, [document('a', { n: 1 }, 1)], 1);
        expect((await two.getMany(projection, 1, [{ collection: divisions, id: 'a' }])).size).toBe(
          1,
        );
      });
    });

    describe('versions', () => {
      it('fills version 2 while version 1 serves, then switches and drops version 1', async () => {
        const store = await freshStore();
        await commit(store, 1, [document('a', { v: 1, parentCode: 'p' }, 1)], 1);
        await store.activateVersion(projection, 1);
        await commit(
          store,
          2,
          [
            document('a', { v: 2, parentCode: 'p' }, 1),
            document('b', { v: 2, parentCode: 'p' }, 2),
          ],
          2,
        );

        expect(await store.get(projection, divisions, 'a')).toMatchObject({ v: 1 });
        expect(await store.get(projection, divisions, 'b')).toBeUndefined();
        expect(
          (await store.find(projection, divisions, { where: { parentCode: 'p' }, limit: 10 }))
            .total,
        ).toBe(1);
        expect((await store.checkpoint(projection, 2)).position).toBe(position(2));

        await store.activateVersion(projection, 2);
        expect(await store.activeVersion(projection)).toBe(2);
        expect(await store.get(projection, divisions, 'a')).toMatchObject({ v: 2 });
        expect(
          (await store.find(projection, divisions, { where: { parentCode: 'p' }, limit: 10 }))
            .total,
        ).toBe(2);
        expect(
          (await store.getMany(projection, 1, [{ collection: divisions, id: 'a' }])).size,
        ).toBe(0);
        expect(await store.checkpoint(projection, 1)).toEqual({ position: undefined, version: 1 });
      });

      it('refuses to go back: activating or writing an older version, or dropping the active one', async () => {
        const store = await freshStore();
        await commit(store, 2, [document('a', { v: 2 }, 1)], 1);
        await store.activateVersion(projection, 2);
        await expect(store.activateVersion(projection, 1)).rejects.toBeInstanceOf(
          ProjectionVersionRetiredError,
        );
        await expect(commit(store, 1, [document('a', { v: 1 }, 1)], 1)).rejects.toBeInstanceOf(
          ProjectionVersionRetiredError,
        );
        await expect(commit(store, 1, [], 1)).rejects.toBeInstanceOf(ProjectionVersionRetiredError);
        await expect(store.dropVersion(projection, 2)).rejects.toBeInstanceOf(
          ProjectionVersionActiveError,
        );
        expect(await store.get(projection, divisions, 'a')).toMatchObject({ v: 2 });
        await store.activateVersion(projection, 2);
        expect(await store.activeVersion(projection)).toBe(2);
      });

      it('drops a version that is not active: its documents and its checkpoint', async () => {
        const store = await freshStore();
        await commit(store, 3, [document('a', { v: 3 }, 1)], 8);
        await commit(store, 3, [document('t', { v: 3 }, 1)], 8, 'totals');
        await store.dropVersion(projection, 3);
        expect(await store.checkpoint(projection, 3)).toEqual({ position: undefined, version: 3 });
        expect(
          (
            await store.getMany(projection, 3, [
              { collection: divisions, id: 'a' },
              { collection: 'totals', id: 't' },
            ])
          ).size,
        ).toBe(0);
        await commit(store, 3, [document('b', { v: 3 }, 9)], 9);
        expect(
          (await store.find(projection, divisions, { limit: 10, version: 3 })).items.map(
            (item) => item.id,
          ),
        ).toEqual(['b']);
      });

      it('lets another instance that read version 1 see version 2 after the switch', async () => {
        const database = await freshDatabase();
        const reader = await open(database);
        const switcher = await open(database);
        await commit(switcher, 1, [document('a', { v: 1, parentCode: 'p' }, 1)], 1);
        await switcher.activateVersion(projection, 1);
        expect(await reader.get(projection, divisions, 'a')).toMatchObject({ v: 1 });
        await commit(switcher, 2, [document('a', { v: 2, parentCode: 'p' }, 1)], 1);
        await switcher.activateVersion(projection, 2);
        expect(await reader.get(projection, divisions, 'a')).toMatchObject({ v: 2 });
        expect(
          (await reader.find(projection, divisions, { where: { parentCode: 'p' }, limit: 5 }))
            .items,
        ).toMatchObject([{ v: 2 }]);
      });
    });

    describe('Unicode', () => {
      it('stores, finds and sorts Chinese, emoji and punctuation in ids and values', async () => {
        const store = await freshStore();
        const ids = [
          '云南省/曲靖市·富源县',
          '户主 张三 (530325198001011232)',
          'emoji-😀-户',
          'quote\'"\\',
          'ascii',
        ];
        const docs = ids.map((id, i) =>
          document(
            id,
            {
              name: `${id}的明白卡`,
              parentCode: '村民小组',
              remark: '资金你清楚 ✓ 😀',
              disbursedFen: i,
            },
            i + 1,
          ),
        );
        await commit(store, 1, docs, 10);
        await store.activateVersion(projection, 1);
        for (const doc of docs) expect(await store.get(projection, divisions, doc.id)).toEqual(doc);
        const found = await store.find(projection, divisions, {
          where: { parentCode: '村民小组', name: { prefix: '云南省/' } },
          limit: 10,
        });
        expect(found.items).toEqual([docs[0]]);
        const sorted = await store.find(projection, divisions, {
          sortBy: 'name',
          direction: 'desc',
          limit: 10,
        });
        expect(sorted.items.map((item) => item.id)).toEqual(
          docs
            .map((doc) => doc.name as string)
            .sort(compareCodePoints)
            .reverse()
            .map((name) => name.replace(/的明白卡$/, '')),
        );
        expect(
          (
            await store.find(projection, divisions, {
              where: { id: { prefix: 'emoji-😀' } },
              limit: 10,
            })
          ).total,
        ).toBe(1);
      });
    });
  });
}
