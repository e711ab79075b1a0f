import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
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
  declaredFieldTypes,
  normalizeBatch,
  normalizeFindQuery,
  normalizeIndexes,
  type NormalizedCondition,
  type NormalizedFindQuery,
  type NormalizedIndex,
} from '../validation';
import {
  assertSchemaName,
  collectionLockKey,
  readStoreSchemaDefault,
  retiredVersionSqlState,
  runReadStoreMigrations,
} from './migrations';

export interface PostgresReadStoreOptions {
  connectionString: string;
  /** The schema holding every table of the read store; default `sunlight_read`. */
  schema?: string;
  /**
   * The group role every connection acts as (`sunlight_projector` in the app), set at start-up,
   * so the tables it creates belong to that role whichever of its logins created them.
   */
  role?: string;
  /** Indexes the projections' queries need; created for every version's table. */
  indexes?: readonly ReadIndex[];
  poolSize?: number;
  /** Run pending migrations and create declared indexes before use; default true. */
  migrate?: boolean;
  /** How long `get` and `find` trust the active version they last read; default 1,000 ms. */
  activeVersionCacheMs?: number;
  /**
   * Wait for the WAL flush at each commit; default false. Read models are derived: a server
   * crash loses at most the last moments of batches, documents and checkpoint together (never
   * one without the other), and the runner replays them from the log.
   */
  synchronousCommit?: boolean;
}

const poolSizeDefault = 10;
const activeVersionCacheMsDefault = 1_000;
const closeDrainMsMax = 10_000;
const undefinedTable = '42P01';
// Connection-level failures: the store is unreachable, not the request wrong.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // invalid_catalog_name: the database was dropped (or renamed) under a running app.
  '3D000',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08001',
  '08004',
]);

interface DocumentRow {
  doc: ReadDocument;
}

/**
 * The PostgreSQL read store, in a schema of its own (`sunlight_read`), which the projections'
 * role owns: the app's role has no way in, and the log's schema gets no objects of this role's
 * making. Every (projection, version, collection) is one table
 * `(id text COLLATE "C" PRIMARY KEY, last_position text COLLATE "C", doc jsonb)`, created on its
 * first write and registered in `read_collections`; a version is dropped with DROP TABLE. The
 * declared indexes become btree indexes on typed expressions of `doc` (`doc->>'f' COLLATE "C"` for
 * string fields, a guarded `::numeric` for number fields) followed by `id`, and `find` writes the
 * very same expressions, so "children of a division by amount, paged" is one index range scan.
 * A batch is one statement: one `INSERT … SELECT FROM jsonb_array_elements … ON CONFLICT DO
 * UPDATE WHERE last_position <` per collection, and the checkpoint, in one implicit transaction.
 */
/** PostgreSQL's undefined_table. */
const undefinedTableCode = '42P01';

export class PostgresReadStore implements ReadStore {
  private readonly tables = new Map<string, string>();
  private readonly activeVersions = new Map<
    string,
    { version: number | undefined; readAtMs: number }
  >();
  private closed = false;

  private constructor(
    readonly pool: Pool,
    private readonly indexes: readonly NormalizedIndex[],
    private readonly activeVersionCacheMs: number,
  ) {}

  static async open(options: PostgresReadStoreOptions): Promise<PostgresReadStore> {
    const indexes = normalizeIndexes(options.indexes ?? []);
    const schema = options.schema ?? readStoreSchemaDefault;
    assertSchemaName(schema);
    if (options.role !== undefined) assertSchemaName(options.role);
    // Every name the store uses resolves in its own schema (pg_catalog is always searched first).
    const settings = [
      `-c search_path=${schema}`,
      ...(options.role === undefined ? [] : [`-c role=${options.role}`]),
      ...(options.synchronousCommit ? [] : ['-c synchronous_commit=off']),
    ];
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.poolSize ?? poolSizeDefault,
      application_name: 'sunlight-read-store',
      options: settings.join(' '),
    };
    const pool = new Pool(config);
    pool.on('error', () => undefined); // an idle client's failure surfaces on its next query
    // A checked-out client that loses its server between queries emits 'error' on itself; the
    // next query fails with it anyway, so the event must not crash the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const store = new PostgresReadStore(
      pool,
      indexes,
      options.activeVersionCacheMs ?? activeVersionCacheMsDefault,
    );
    if (options.migrate ?? true) {
      try {
        const client = await pool.connect();
        try {
          await runReadStoreMigrations(client, schema, () => store.createDeclaredIndexes(client));
        } finally {
          client.release();
        }
      } catch (error) {
        await pool.end();
        throw toUnavailable(error, 'could not migrate the read store');
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
    if (idsByCollection.size === 0) return result;
    return this.retryOnDroppedTable(projection, async () => {
      const parts: string[] = [];
      const values: unknown[] = [];
      const collections: string[] = [];
      for (const [collection, ids] of idsByCollection) {
        const table = await this.tableFor(projection, version, collection, false);
        if (table === undefined) continue;
        collections.push(collection);
        values.push([...ids]);
        parts.push(
          `SELECT ${collections.length - 1} AS c, doc FROM ${quote(table)} WHERE id = ANY($${values.length}::text[])`,
        );
      }
      result.clear();
      if (parts.length === 0) return result;
      const { rows } = await this.query<DocumentRow & { c: number }>(
        parts.join(' UNION ALL '),
        values,
      );
      for (const row of rows)
        result.set(keyOf({ collection: collections[row.c], id: row.doc.id }), row.doc);
      return result;
    });
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
    return this.retryOnDroppedTable(projection, async () => {
      const version = await this.readVersion(projection);
      if (version === undefined) return undefined;
      const table = await this.tableFor(projection, version, collection, false);
      if (table === undefined) return undefined;
      const { rows } = await this.query<DocumentRow>(
        `SELECT doc FROM ${quote(table)} WHERE id = $1`,
        [id],
      );
      return rows[0]?.doc;
    });
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
    const types = declaredFieldTypes(this.indexes, projection, collection);
    return this.retryOnDroppedTable(projection, async () => {
      const version = normalized.version ?? (await this.readVersion(projection));
      if (version === undefined) return { items: [], total: 0 };
      const table = await this.tableFor(projection, version, collection, false);
      if (table === undefined) return { items: [], total: 0 };
      const { text, values } = findStatement(table, normalized, types);
      const { rows } = await this.query<{ total: number; doc: ReadDocument | null }>(text, values);
      const items = rows.flatMap((row) => (row.doc === null ? [] : [row.doc]));
      return { items, total: rows[0]?.total ?? 0 };
    });
  }

  async commitBatch(batch: ProjectionBatch): Promise<void> {
    const groups = [...normalizeBatch(batch).entries()];
    const { projection, version } = batch;
    for (let attempt = 1; ; attempt += 1) {
      const tables: string[] = [];
      for (const [collection] of groups)
        tables.push((await this.tableFor(projection, version, collection, true)) as string);
      const values: unknown[] = [projection, version, batch.position];
      const writes = groups.map(([, documents], index) => {
        values.push(JSON.stringify(documents.map((entry) => entry.document)));
        return (
          `d${index} AS (INSERT INTO ${quote(tables[index])} AS t (id, last_position, doc) ` +
          `SELECT e ->> 'id', e ->> 'lastPosition', e FROM jsonb_array_elements($${values.length}::jsonb) AS e ` +
          `ON CONFLICT (id) DO UPDATE SET last_position = EXCLUDED.last_position, doc = EXCLUDED.doc ` +
          `WHERE t.last_position < EXCLUDED.last_position)`
        );
      });
      // One statement is one transaction: the documents and the checkpoint commit together or
      // not at all, and the guard function fails the whole of it for a retired version.
      const text =
        `WITH w AS MATERIALIZED (SELECT read_store_assert_writable($1::text, $2::int))` +
        writes.map((write) => `, ${write}`).join('') +
        ` INSERT INTO read_checkpoints AS c (projection, version, position, updated_at) SELECT $1::text, $2::int, $3::text, now() FROM w` +
        ` ON CONFLICT (projection, version) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at` +
        ` WHERE c.position < EXCLUDED.position`;
      try {
        await this.query(text, values);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === retiredVersionSqlState) {
          throw new ProjectionVersionRetiredError(
            projection,
            version,
            Number((error as { detail?: string }).detail),
          );
        }
        // Another instance dropped a table this one had cached: look again (and be refused if
        // the version was retired meanwhile).
        if (code === undefinedTable && attempt === 1) {
          this.forgetTables(projection, version);
          continue;
        }
        throw error;
      }
    }
  }

  async checkpoint(projection: string, version: number): Promise<ProjectionCheckpoint> {
    assertProjectionName(projection);
    assertVersion(version);
    const { rows } = await this.query<{ position: string }>(
      'SELECT position FROM read_checkpoints WHERE projection = $1 AND version = $2',
      [projection, version],
    );
    return { position: rows[0]?.position, version };
  }

  async activeVersion(projection: string): Promise<number | undefined> {
    assertProjectionName(projection);
    const { rows } = await this.query<{ version: number }>(
      'SELECT version FROM read_active_versions WHERE projection = $1',
      [projection],
    );
    const version = rows[0]?.version;
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
    await this.transaction(projection, async (client, active) => {
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(projection, version, active);
      await client.query(
        `INSERT INTO read_active_versions (projection, version, activated_at) VALUES ($1, $2, now())
         ON CONFLICT (projection) DO UPDATE SET version = EXCLUDED.version, activated_at = EXCLUDED.activated_at`,
        [projection, version],
      );
      await dropVersions(client, projection, '<', version);
    });
    this.activeVersions.set(projection, { version, readAtMs: Date.now() });
    for (const key of [...this.tables.keys()]) {
      const [name, tableVersion] = key.split('/');
      if (name === projection && Number(tableVersion) < version) this.tables.delete(key);
    }
  }

  async dropVersion(projection: string, version: number): Promise<void> {
    assertProjectionName(projection);
    assertVersion(version);
    await this.transaction(projection, async (client, active) => {
      if (active === version)
        throw new ProjectionVersionActiveError(projection, version, 'drop it');
      await dropVersions(client, projection, '=', version);
    });
    this.forgetTables(projection, version);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.race([
      this.pool.end(),
      new Promise((resolve) => setTimeout(resolve, closeDrainMsMax).unref()),
    ]);
  }

  /** Creates the declared indexes on tables that already exist (an index added in a later release). */
  private async createDeclaredIndexes(client: PoolClient): Promise<void> {
    for (const index of this.indexes) {
      const { rows } = await client.query<{ table_name: string }>(
        'SELECT table_name FROM read_collections WHERE projection = $1 AND collection = $2',
        [index.projection, index.collection],
      );
      for (const row of rows) {
        // Another instance (or a rebuild worker beside this one) may drop a retired version's
        // tables between the listing and here; a table that is gone needs no index.
        // (Each statement commits on its own here, outside any transaction.)
        await client.query(createIndexSql(row.table_name, index)).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== undefinedTableCode) throw error;
        });
      }
    }
  }

  /** The table of a collection; with `create`, makes it (and its indexes) on first use. */
  private async tableFor(
    projection: string,
    version: number,
    collection: string,
    create: boolean,
  ): Promise<string | undefined> {
    const key = `${projection}/${version}/${collection}`;
    const cached = this.tables.get(key);
    if (cached !== undefined) return cached;
    if (!create) {
      const { rows } = await this.query<{ table_name: string }>(
        'SELECT table_name FROM read_collections WHERE projection = $1 AND version = $2 AND collection = $3',
        [projection, version, collection],
      );
      if (rows[0]) this.tables.set(key, rows[0].table_name);
      return rows[0]?.table_name;
    }
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        collectionLockKey,
        key,
      ]);
      const active = await readActiveVersion(client, projection);
      if (active !== undefined && active > version)
        throw new ProjectionVersionRetiredError(projection, version, active);
      const { rows } = await client.query<{ table_name: string }>(
        'SELECT table_name FROM read_collections WHERE projection = $1 AND version = $2 AND collection = $3',
        [projection, version, collection],
      );
      let table = rows[0]?.table_name;
      if (table === undefined) {
        table = tableName(projection, version, collection);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${quote(table)} (
             id            text  COLLATE "C" PRIMARY KEY,
             last_position text  COLLATE "C" NOT NULL,
             doc           jsonb NOT NULL)`,
        );
        for (const index of this.indexes) {
          if (index.projection === projection && index.collection === collection)
            await client.query(createIndexSql(table, index));
        }
        await client.query(
          'INSERT INTO read_collections (projection, version, collection, table_name) VALUES ($1, $2, $3, $4)',
          [projection, version, collection, table],
        );
      }
      await client.query('COMMIT');
      this.tables.set(key, table);
      return table;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toUnavailable(error, 'could not create a read-store table');
    } finally {
      client.release();
    }
  }

  private forgetTables(projection: string, version?: number): void {
    for (const key of [...this.tables.keys()]) {
      const [name, tableVersion] = key.split('/');
      if (name === projection && (version === undefined || Number(tableVersion) === version))
        this.tables.delete(key);
    }
  }

  private async readVersion(projection: string): Promise<number | undefined> {
    const cached = this.activeVersions.get(projection);
    if (cached && Date.now() - cached.readAtMs < this.activeVersionCacheMs) return cached.version;
    return this.activeVersion(projection);
  }

  /**
   * Another instance may have activated a newer version and dropped the tables this one still
   * reads: forget what it knew about the projection and try once more.
   */
  private async retryOnDroppedTable<T>(projection: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if ((error as { code?: string }).code !== undefinedTable) throw error;
      this.activeVersions.delete(projection);
      this.forgetTables(projection);
      return read();
    }
  }

  /** A transaction holding the projection's lock and its active version (locked against change). */
  private async transaction(
    projection: string,
    work: (client: PoolClient, active: number | undefined) => Promise<void>,
  ): Promise<void> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        collectionLockKey,
        `projection:${projection}`,
      ]);
      await work(client, await readActiveVersion(client, projection));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toUnavailable(error, 'read-store transaction failed');
    } finally {
      client.release();
    }
  }

  private async connect(): Promise<PoolClient> {
    if (this.closed) throw new ReadStoreUnavailableError('the read store is closed');
    try {
      return await this.pool.connect();
    } catch (error) {
      throw toUnavailable(error, 'could not connect to the read store');
    }
  }

  /** Every statement is prepared under a name derived from its text, once per connection. */
  private async query<Row extends object>(
    text: string,
    values: unknown[],
  ): Promise<{ rows: Row[] }> {
    if (this.closed) throw new ReadStoreUnavailableError('the read store is closed');
    try {
      return await this.pool.query<Row>({ name: statementName(text), text, values });
    } catch (error) {
      throw toUnavailable(error, 'read-store query failed');
    }
  }
}

async function readActiveVersion(
  client: PoolClient,
  projection: string,
): Promise<number | undefined> {
  const { rows } = await client.query<{ version: number }>(
    'SELECT version FROM read_active_versions WHERE projection = $1',
    [projection],
  );
  return rows[0]?.version;
}

async function dropVersions(
  client: PoolClient,
  projection: string,
  comparison: '<' | '=',
  version: number,
): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(
    `DELETE FROM read_collections WHERE projection = $1 AND version ${comparison} $2 RETURNING table_name`,
    [projection, version],
  );
  for (const row of rows) await client.query(`DROP TABLE IF EXISTS ${quote(row.table_name)}`);
  await client.query(
    `DELETE FROM read_checkpoints WHERE projection = $1 AND version ${comparison} $2`,
    [projection, version],
  );
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function hashHex(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function statementName(text: string): string {
  return `rs_${hashHex(text, 24)}`;
}

/** Readable and unique within PostgreSQL's 63-byte identifiers: `rs_<projection>_v<N>_<collection>_<hash>`. */
export function tableName(projection: string, version: number, collection: string): string {
  const slug = (name: string, length: number) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '_')
      .slice(0, length);
  return `rs_${slug(projection, 18)}_v${version}_${slug(collection, 14)}_${hashHex(`${projection}/${version}/${collection}`, 6)}`;
}

// Field names are checked against /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/ before they
// reach SQL, and must be literals there: an index on an expression serves only queries that
// spell the same expression.
function json(field: string): string {
  return field.includes('.') ? `(doc #> '{${field.split('.').join(',')}}')` : `(doc -> '${field}')`;
}

function text(field: string): string {
  return field.includes('.')
    ? `(doc #>> '{${field.split('.').join(',')}}')`
    : `(doc ->> '${field}')`;
}

function stringKey(field: string): string {
  return field === 'id' ? 'id' : `(${text(field)} COLLATE "C")`;
}

function numberKey(field: string): string {
  return `(CASE WHEN jsonb_typeof(${json(field)}) = 'number' THEN ${json(field)}::numeric END)`;
}

function isString(field: string): string {
  return `jsonb_typeof(${json(field)}) = 'string'`;
}

function createIndexSql(table: string, index: NormalizedIndex): string {
  const columns = index.fields.map(
    (field) =>
      `${field.type === 'number' ? numberKey(field.name) : stringKey(field.name)} NULLS FIRST`,
  );
  const name = `${table}_${hashHex(JSON.stringify(index.fields), 6)}`;
  return `CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${quote(table)} (${columns.join(', ')}, id)`;
}

/**
 * One statement, one round trip: the total from a count and the page from a LATERAL subquery
 * that an index `(match fields…, sort field, id)` serves as a range scan stopping after the page.
 */
export function findStatement(
  table: string,
  query: NormalizedFindQuery,
  types: ReadonlyMap<string, 'string' | 'number'>,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const parameter = (value: unknown, cast: string) => {
    values.push(value);
    return `$${values.length}::${cast}`;
  };
  const conditions = query.where.map(({ field, condition }) =>
    conditionSql(field, condition, types.get(field), parameter),
  );
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const from = quote(table);
  const count = `(SELECT count(*)::int AS total FROM ${from} ${where}) c`;
  if (query.limit === 0)
    return { text: `SELECT c.total, NULL::jsonb AS doc FROM ${count}`, values };
  const order = orderSql(query.sortBy, types.get(query.sortBy ?? ''), query.direction);
  const limit = parameter(query.limit, 'int');
  const offset = parameter(query.offset, 'int');
  return {
    text: `SELECT c.total, p.doc FROM ${count} LEFT JOIN LATERAL (SELECT doc FROM ${from} ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) p ON true`,
    values,
  };
}

function conditionSql(
  field: string,
  condition: NormalizedCondition,
  declared: 'string' | 'number' | undefined,
  parameter: (value: unknown, cast: string) => string,
): string {
  const isId = field === 'id';
  // A declared string field is trusted to hold strings: checking the JSON type as well would
  // be a filter without statistics, whose guessed selectivity steers the planner off the index.
  const stringTypeCheck = isId || declared === 'string' ? [] : [isString(field)];
  switch (condition.kind) {
    case 'equals': {
      const { value } = condition;
      if (typeof value === 'string')
        return [`${stringKey(field)} = ${parameter(value, 'text')}`, ...stringTypeCheck].join(
          ' AND ',
        );
      if (isId) return 'false';
      if (typeof value === 'number') return `${numberKey(field)} = ${parameter(value, 'numeric')}`;
      // A boolean's text is `true` or `false`, so a declared field's index serves it too.
      if (typeof value === 'boolean') {
        return declared === undefined
          ? `${json(field)} = ${parameter(JSON.stringify(value), 'jsonb')}`
          : `${stringKey(field)} = ${parameter(String(value), 'text')}`;
      }
      return `(${json(field)} IS NULL OR jsonb_typeof(${json(field)}) = 'null')`;
    }
    case 'prefix': {
      const parts = [...stringTypeCheck];
      if (condition.prefix.length === 0 && !isId && stringTypeCheck.length === 0)
        parts.push(isString(field));
      if (condition.prefix.length > 0)
        parts.push(`${stringKey(field)} >= ${parameter(condition.prefix, 'text')}`);
      if (condition.prefix.length > 0 && condition.upperBound !== undefined)
        parts.push(`${stringKey(field)} < ${parameter(condition.upperBound, 'text')}`);
      return parts.length > 0 ? `(${parts.join(' AND ')})` : 'true';
    }
    case 'in': {
      const parts: string[] = [];
      if (condition.strings.length > 0) {
        parts.push(
          `(${[`${stringKey(field)} = ANY(${parameter(condition.strings, 'text[]')})`, ...stringTypeCheck].join(' AND ')})`,
        );
      }
      if (condition.numbers.length > 0 && !isId)
        parts.push(`${numberKey(field)} = ANY(${parameter(condition.numbers, 'numeric[]')})`);
      return parts.length > 0 ? `(${parts.join(' OR ')})` : 'false';
    }
  }
}

/**
 * Ascending puts missing values first (as MongoDB does); descending is its exact reverse, so a
 * backward scan of an index `(key NULLS FIRST, id)` serves both.
 */
function orderSql(
  sortBy: string | undefined,
  declared: 'string' | 'number' | undefined,
  direction: 'asc' | 'desc',
): string {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const nulls = direction === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  if (sortBy === undefined || sortBy === 'id') return `id ${dir}`;
  const keys =
    declared === 'number'
      ? [numberKey(sortBy)]
      : declared === 'string'
        ? [stringKey(sortBy)]
        : [numberKey(sortBy), stringKey(sortBy)];
  return [...keys.map((key) => `${key} ${dir} ${nulls}`), `id ${dir}`].join(', ');
}

function toUnavailable(error: unknown, message: string): unknown {
  const code = (error as { code?: string } | undefined)?.code;
  if (code !== undefined && unavailableCodes.has(code))
    return new ReadStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  // node-postgres reports a connection dropped mid-query with a plain Error and no code.
  if ((error as Error | undefined)?.message?.startsWith('Connection terminated'))
    return new ReadStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  return error;
}
