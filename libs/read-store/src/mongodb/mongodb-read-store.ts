import {
  MongoBulkWriteError,
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Filter,
  type Sort,
} from 'mongodb';
import {
  ProjectionVersionActiveError,
  ProjectionVersionRetiredError,
  ReadStoreUnavailableError,
} from '../errors';
import {
  keyOf,
  type DocumentKey,
  type FindQuery,
  type FindResult,
  type ProjectionBatch,
  type ProjectionCheckpoint,
  type ReadDocument,
  type ReadIndex,
  type ReadStore,
} from '../read-store.port';
import {
  assertCollectionName,
  assertKeys,
  assertProjectionName,
  assertVersion,
  normalizeBatch,
  normalizeFindQuery,
  normalizeIndexes,
  type NormalizedCondition,
  type NormalizedIndex,
} from '../validation';

export interface MongoReadStoreOptions {
  /** `mongodb://…`; ignored when `client` is given. */
  url?: string;
  /** A connected client to share; the store then leaves closing it to its owner. */
  client?: MongoClient;
  /** Default: the database named in the URL (the driver's default otherwise). */
  databaseName?: string;
  /** Indexes the projections' queries need; created for every version's collection. */
  indexes?: readonly ReadIndex[];
  /** Create declared indexes on existing collections before use; default true. */
  migrate?: boolean;
  /** How long `get` and `find` trust the active version they last read; default 1,000 ms. */
  activeVersionCacheMs?: number;
}

const activeVersionCacheMsDefault = 1_000;
const duplicateKey = 11000;
const namespaceNotFound = 26;
const commandNotFound = 59;

/** A document as stored: the read document's `id` is `_id`. */
type StoredDocument = { _id: string; lastPosition: string } & Record<string, unknown>;
interface CollectionEntry {
  _id: string;
  projection: string;
  version: number;
  collection: string;
}
interface CheckpointEntry {
  _id: string;
  projection: string;
  version: number;
  position: string;
  updatedAt: Date;
}
interface ActiveVersionEntry {
  _id: string;
  version: number;
  activatedAt: Date;
}

/**
 * The MongoDB read store. A projection version's collection is `<projection>.v<version>.<collection>`
 * with `_id` = the document id; `read_store.collections` lists them (so a version can be dropped
 * without listCollections), `read_store.checkpoints` and `read_store.active_versions` hold the
 * rest. A batch is not one transaction: its documents are written first, each only over an
 * older `lastPosition`, then the checkpoint moves forwards; a crash in between leaves documents
 * ahead of the checkpoint, and the replay that follows skips the events they already contain.
 */
export class MongoReadStore implements ReadStore {
  private readonly ensured = new Set<string>();
  private readonly activeVersions = new Map<
    string,
    { version: number | undefined; readAtMs: number }
  >();
  private readonly collections: Collection<CollectionEntry>;
  private readonly checkpoints: Collection<CheckpointEntry>;
  private readonly active: Collection<ActiveVersionEntry>;
  private closed = false;

  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly ownsClient: boolean,
    private readonly indexes: readonly NormalizedIndex[],
    private readonly activeVersionCacheMs: number,
  ) {
    this.collections = db.collection<CollectionEntry>('read_store.collections');
    this.checkpoints = db.collection<CheckpointEntry>('read_store.checkpoints');
    this.active = db.collection<ActiveVersionEntry>('read_store.active_versions');
  }

  static async open(options: MongoReadStoreOptions): Promise<MongoReadStore> {
    const indexes = normalizeIndexes(options.indexes ?? []);
    let client = options.client;
    const ownsClient = client === undefined;
    if (client === undefined) {
      if (!options.url) throw new Error('MongoReadStore needs a url or a client');
      client = new MongoClient(options.url);
      try {
        await client.connect();
      } catch (error) {
        await client.close().catch(() => undefined);
        throw toUnavailable(error, 'could not connect to the read store');
      }
    }
    const store = new MongoReadStore(
      client,
      client.db(options.databaseName),
      ownsClient,
      indexes,
      options.activeVersionCacheMs ?? activeVersionCacheMsDefault,
    );
    if (options.migrate ?? true) {
      try {
        await store.createDeclaredIndexes();
      } catch (error) {
        if (ownsClient) await client.close().catch(() => undefined);
        throw toUnavailable(error, 'could not create read-store indexes');
      }
    }
    return store;
  }

  async getMany(
    projection: string,
    version: number,
    keys: readonly DocumentKey[],
  ): Promise<Map<string, ReadDocument>> {
    assertProjectionName(projection);
    assertVersion(version);
    assertKeys(keys);
    const idsByCollection = new Map<string, Set<string>>();
    for (const key of keys) {
      let ids = idsByCollection.get(key.collection);
      if (!ids) idsByCollection.set(key.collection, (ids = new Set()));
      ids.add(key.id);
    }
    const result = new Map<string, ReadDocument>();
    await this.guard(async () => {
      await Promise.all(
        [...idsByCollection].map(async ([collection, ids]) => {
          const stored = await this.collection(projection, version, collection)
            .find({ _id: { $in: [...ids] } })
            .toArray();
          for (const document of stored)
            result.set(keyOf({ collection, id: document._id }), fromStored(document));
        }),
      );
    });
    return result;
  }

  get<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    id: string,
  ): Promise<D | undefined> {
    // The caller names the shape its own projection wrote; the store keeps JSON documents.
    return this.getDocument(projection, collection, id) as Promise<D | undefined>;
  }

  private async getDocument(
    projection: string,
    collection: string,
    id: string,
  ): Promise<ReadDocument | undefined> {
    assertProjectionName(projection);
    assertCollectionName(collection);
    return this.readActive(
      projection,
      async (version) => {
        const stored = await this.collection(projection, version, collection).findOne({ _id: id });
        return stored === null ? undefined : fromStored(stored);
      },
      (document) => document === undefined,
    );
  }

  find<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    query: FindQuery,
  ): Promise<FindResult<D>> {
    return this.findDocuments(projection, collection, query) as Promise<FindResult<D>>;
  }

  private async findDocuments(
    projection: string,
    collection: string,
    query: FindQuery,
  ): Promise<FindResult> {
    assertProjectionName(projection);
    assertCollectionName(collection);
    const normalized = normalizeFindQuery(query);
    const filter: Filter<StoredDocument> = {};
    for (const { field, condition } of normalized.where) {
      (filter as Record<string, unknown>)[field === 'id' ? '_id' : field] =
        conditionFilter(condition);
    }
    const direction = normalized.direction === 'asc' ? 1 : -1;
    const sort: Sort =
      normalized.sortBy === undefined || normalized.sortBy === 'id'
        ? { _id: direction }
        : { [normalized.sortBy]: direction, _id: direction };
    const run = async (version: number): Promise<FindResult> => {
      const target = this.collection(projection, version, collection);
      const [total, stored] = await Promise.all([
        target.countDocuments(filter),
        normalized.limit === 0
          ? Promise.resolve([])
          : target
              .find(filter)
              .sort(sort)
              .skip(normalized.offset)
              .limit(normalized.limit)
              .toArray(),
      ]);
      return { items: stored.map(fromStored), total };
    };
    if (normalized.version !== undefined) {
      const version = normalized.version;
      return this.guard(() => run(version));
    }
    return this.readActive(projection, run, (result) => result.total === 0, {
      items: [],
      total: 0,
    });
  }

  async commitBatch(batch: ProjectionBatch): Promise<void> {
    const groups = normalizeBatch(batch);
    const { projection, version } = batch;
    await this.guard(async () => {
      const active = (await this.active.findOne({ _id: projection }))?.version;
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(projection, version, active);
      await this.writeDocuments(batch, groups);
      await this.moveCheckpoint(projection, version, batch.position);
    });
  }

  /**
   * The documents half of `commitBatch`, without the checkpoint: what a crash between the two
   * leaves behind (tests use it to stage exactly that).
   */
  async writeDocuments(batch: ProjectionBatch, groups = normalizeBatch(batch)): Promise<void> {
    await Promise.all(
      [...groups].map(async ([collection, entries]) => {
        const target = await this.ensureCollection(batch.projection, batch.version, collection);
        await writeGuarded(
          target,
          entries.map((entry) => toStored(entry.document)),
        );
      }),
    );
  }

  async checkpoint(projection: string, version: number): Promise<ProjectionCheckpoint> {
    assertProjectionName(projection);
    assertVersion(version);
    const entry = await this.guard(() =>
      this.checkpoints.findOne({ _id: checkpointId(projection, version) }),
    );
    return { position: entry?.position, version };
  }

  async activeVersion(projection: string): Promise<number | undefined> {
    assertProjectionName(projection);
    const version = (await this.guard(() => this.active.findOne({ _id: projection })))?.version;
    // Only an active version is remembered: a projection with none yet (a first deployment)
    // is asked again on the next read, so its answers appear as soon as it is activated,
    // not up to activeVersionCacheMs later.
    if (version === undefined) this.activeVersions.delete(projection);
    else this.activeVersions.set(projection, { version, readAtMs: Date.now() });
    return version;
  }

  async activateVersion(projection: string, version: number): Promise<void> {
    assertProjectionName(projection);
    assertVersion(version);
    await this.guard(async () => {
      // Only ever forwards: the filter refuses a lower version even against a concurrent switch.
      const moved = await upsertIgnoringDuplicate(() =>
        this.active.updateOne(
          {
            _id: projection,
            $or: [{ version: { $lte: version } }, { version: { $exists: false } }],
          },
          { $set: { version, activatedAt: new Date() } },
          { upsert: true },
        ),
      );
      if (!moved) {
        const active = (await this.active.findOne({ _id: projection }))?.version ?? version;
        throw new ProjectionVersionRetiredError(projection, version, active);
      }
      this.activeVersions.set(projection, { version, readAtMs: Date.now() });
      await this.dropVersions(projection, { $lt: version });
    });
  }

  async dropVersion(projection: string, version: number): Promise<void> {
    assertProjectionName(projection);
    assertVersion(version);
    await this.guard(async () => {
      const active = (await this.active.findOne({ _id: projection }))?.version;
      if (active === version)
        throw new ProjectionVersionActiveError(projection, version, 'drop it');
      await this.dropVersions(projection, version);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  private collection(
    projection: string,
    version: number,
    collection: string,
  ): Collection<StoredDocument> {
    if (this.closed) throw new ReadStoreUnavailableError('the read store is closed');
    return this.db.collection<StoredDocument>(collectionName(projection, version, collection));
  }

  /** Registers a collection on its first write and gives it the declared indexes. */
  private async ensureCollection(
    projection: string,
    version: number,
    collection: string,
  ): Promise<Collection<StoredDocument>> {
    const name = collectionName(projection, version, collection);
    const target = this.collection(projection, version, collection);
    if (this.ensured.has(name)) return target;
    await upsertIgnoringDuplicate(() =>
      this.collections.updateOne(
        { _id: name },
        { $setOnInsert: { projection, version, collection } },
        { upsert: true },
      ),
    );
    await this.createIndexes(target, projection, collection);
    this.ensured.add(name);
    return target;
  }

  private async createDeclaredIndexes(): Promise<void> {
    for (const index of this.indexes) {
      const entries = await this.collections
        .find({ projection: index.projection, collection: index.collection })
        .toArray();
      for (const entry of entries)
        await this.createIndexes(
          this.collection(entry.projection, entry.version, entry.collection),
          index.projection,
          index.collection,
        );
    }
  }

  private async createIndexes(
    target: Collection<StoredDocument>,
    projection: string,
    collection: string,
  ): Promise<void> {
    const specs = this.indexes
      .filter((index) => index.projection === projection && index.collection === collection)
      .map((index) => ({
        key: Object.fromEntries([
          ...index.fields.map((field) => [field.name, 1] as const),
          ['_id', 1] as const,
        ]),
      }));
    if (specs.length > 0) await target.createIndexes(specs);
  }

  private async moveCheckpoint(
    projection: string,
    version: number,
    position: string,
  ): Promise<void> {
    await upsertIgnoringDuplicate(() =>
      this.checkpoints.updateOne(
        {
          _id: checkpointId(projection, version),
          $or: [{ position: { $lt: position } }, { position: { $exists: false } }],
        },
        { $set: { projection, version, position, updatedAt: new Date() } },
        { upsert: true },
      ),
    );
  }

  private async dropVersions(projection: string, version: number | { $lt: number }): Promise<void> {
    const entries = await this.collections.find({ projection, version }).toArray();
    for (const entry of entries) {
      await dropCollection(this.db, entry._id);
      this.ensured.delete(entry._id);
    }
    await this.collections.deleteMany({ projection, version });
    await this.checkpoints.deleteMany({ projection, version });
  }

  private async readVersion(
    projection: string,
  ): Promise<{ version: number | undefined; cached: boolean }> {
    const cached = this.activeVersions.get(projection);
    if (cached && Date.now() - cached.readAtMs < this.activeVersionCacheMs)
      return { version: cached.version, cached: true };
    return { version: await this.activeVersion(projection), cached: false };
  }

  /**
   * Reads the active version. A miss on a cached version looks once more at the active version:
   * another instance may have switched, and dropped the collections this one still read.
   */
  private async readActive<T>(
    projection: string,
    read: (version: number) => Promise<T>,
    isMiss: (result: T) => boolean,
    none?: T,
  ): Promise<T> {
    return this.guard(async () => {
      const first = await this.readVersion(projection);
      const result = first.version === undefined ? (none as T) : await read(first.version);
      if (!first.cached || !isMiss(result)) return result;
      const current = await this.activeVersion(projection);
      if (current === first.version || current === undefined) return result;
      return read(current);
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadStoreUnavailableError('the read store is closed');
    try {
      return await work();
    } catch (error) {
      throw toUnavailable(error, 'read-store operation failed');
    }
  }
}

export function collectionName(projection: string, version: number, collection: string): string {
  return `${projection}.v${version}.${collection}`;
}

function checkpointId(projection: string, version: number): string {
  return `${projection}.v${version}`;
}

function toStored(document: ReadDocument): StoredDocument {
  const { id, ...rest } = document;
  return { _id: id, ...rest } as StoredDocument;
}

function fromStored(stored: StoredDocument): ReadDocument {
  const { _id, ...rest } = stored;
  return { id: _id, ...rest } as ReadDocument;
}

function olderThan(position: string): Filter<StoredDocument> {
  return { $or: [{ lastPosition: { $lt: position } }, { lastPosition: { $exists: false } }] };
}

/**
 * Writes documents so that none moves backwards. One read of the stored positions sorts them
 * into inserts (new), replacements filtered on an older `lastPosition` (upserts, should the
 * document vanish), and skips (already as new or newer); then one unordered bulk write. A
 * duplicate key means another writer got there first: those documents are retried as filtered
 * replacements, and a duplicate key on that retry means the stored one is at least as new.
 */
async function writeGuarded(
  target: Collection<StoredDocument>,
  documents: StoredDocument[],
): Promise<void> {
  const stored = new Map<string, unknown>();
  for (const entry of await target
    .find(
      { _id: { $in: documents.map((document) => document._id) } },
      { projection: { lastPosition: 1 } },
    )
    .toArray()) {
    stored.set(entry._id, entry.lastPosition);
  }
  const pending = documents.filter((document) => {
    const position = stored.get(document._id);
    return typeof position !== 'string' || position < document.lastPosition;
  });
  if (pending.length === 0) return;
  const operations: AnyBulkWriteOperation<StoredDocument>[] = pending.map((document) =>
    stored.has(document._id)
      ? {
          replaceOne: {
            filter: { _id: document._id, ...olderThan(document.lastPosition) },
            replacement: document,
            upsert: true,
          },
        }
      : { insertOne: { document } },
  );
  let retry: StoredDocument[] = [];
  try {
    await target.bulkWrite(operations, { ordered: false });
  } catch (error) {
    const failed = duplicateKeyIndexes(error);
    if (failed === undefined) throw error;
    // A server that reports the duplicate for the whole command says nothing of which writes
    // landed; every write is safe to repeat, so repeat them all.
    retry = failed === 'all' ? pending : failed.map((index) => pending[index]);
  }
  for (const document of retry) {
    await upsertIgnoringDuplicate(() =>
      target.replaceOne({ _id: document._id, ...olderThan(document.lastPosition) }, document, {
        upsert: true,
      }),
    );
  }
}

/** The failed operations' indexes when every failure is a duplicate key; undefined otherwise. */
function duplicateKeyIndexes(error: unknown): number[] | 'all' | undefined {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = ([] as { code: number; index: number }[]).concat(error.writeErrors ?? []);
    if (writeErrors.length > 0) {
      return writeErrors.every((writeError) => writeError.code === duplicateKey) && !error.err
        ? writeErrors.map((writeError) => writeError.index)
        : undefined;
    }
  }
  return (error as { code?: unknown }).code === duplicateKey ? 'all' : undefined;
}

/** Runs a filtered upsert; false when the filter matched nothing and the key already existed. */
async function upsertIgnoringDuplicate(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === duplicateKey) return false;
    throw error;
  }
}

async function dropCollection(db: Db, name: string): Promise<void> {
  try {
    await db.collection(name).drop();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === namespaceNotFound) return;
    // A MongoDB-wire server without the drop command (the npm-shipped test server): empty it.
    if (code === commandNotFound) {
      await db.collection(name).deleteMany({});
      return;
    }
    throw error;
  }
}

function conditionFilter(condition: NormalizedCondition): unknown {
  switch (condition.kind) {
    case 'equals':
      return condition.value;
    case 'prefix':
      return condition.prefix.length === 0
        ? { $type: 'string' }
        : { $regex: `^${escapeRegex(condition.prefix)}` };
    case 'in':
      return { $in: [...condition.strings, ...condition.numbers] };
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function toUnavailable(error: unknown, message: string): unknown {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return new ReadStoreUnavailableError(`${message}: ${error.message}`, error);
  }
  return error;
}
