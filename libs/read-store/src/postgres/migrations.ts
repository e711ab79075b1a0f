import type { PoolClient } from 'pg';

/**
 * Versioned schema migrations of the read store, kept apart from the event store's (its own
 * table and lock), since the two may share a database or not. Each runs once, in order, in its
 * own transaction; a session-level advisory lock makes instances starting at once take turns.
 */
export interface ReadStoreMigration {
  version: number;
  name: string;
  sql: string;
}

/** The schema of the read store's tables, unless the caller names another. */
export const readStoreSchemaDefault = 'sunlight_read';
export const readStoreMigrationLockKey = 0x53554e52; // "SUNR"
/** With a hash of the table name: serialises creating one collection's table across instances. */
export const collectionLockKey = 0x53554e43; // "SUNC"
/** SQLSTATE raised by `read_store_assert_writable` for a batch written to a retired version. */
export const retiredVersionSqlState = 'SR001';

export const readStoreMigrations: readonly ReadStoreMigration[] = [
  {
    version: 1,
    name: 'collections registry, checkpoints, active versions',
    sql: /* sql */ `
      -- Each (projection, version, collection) has its own table of JSONB documents, so that a
      -- version is dropped in one DROP TABLE and its indexes stay small; this maps names to tables.
      CREATE TABLE read_collections (
        projection text        NOT NULL,
        version    int         NOT NULL CHECK (version > 0),
        collection text        NOT NULL,
        table_name text        NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, version, collection)
      );
      -- Positions compare as strings in code-point order, hence the "C" collation.
      CREATE TABLE read_checkpoints (
        projection text        NOT NULL,
        version    int         NOT NULL CHECK (version > 0),
        position   text        COLLATE "C" NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, version)
      );
      CREATE TABLE read_active_versions (
        projection   text        PRIMARY KEY,
        version      int         NOT NULL CHECK (version > 0),
        activated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Called inside every batch's statement: a writer still running an old version after a
      -- newer one was activated fails instead of recreating the dropped tables.
      CREATE FUNCTION read_store_assert_writable(p_projection text, p_version int) RETURNS void
      LANGUAGE plpgsql STABLE AS $fn$
      DECLARE
        v_active int;
      BEGIN
        SELECT version INTO v_active FROM read_active_versions WHERE projection = p_projection;
        IF v_active IS NOT NULL AND v_active > p_version THEN
          RAISE EXCEPTION 'projection % version % is retired: version % is active', p_projection, p_version, v_active
            USING ERRCODE = '${retiredVersionSqlState}', DETAIL = v_active::text;
        END IF;
      END
      $fn$;
    `,
  },
];

const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema and role names reach SQL as identifiers; only plain lower-case ones are accepted. */
export function assertSchemaName(name: string): void {
  if (!identifierPattern.test(name)) throw new RangeError(`not a plain identifier: "${name}"`);
}

/**
 * Runs pending migrations in `schema` (the connection's search_path must name it), then
 * `alsoLocked` (e.g. creating newly declared indexes) under the same lock. Creates the schema
 * when it is missing and the connection may; in the app the owner has made it beforehand
 * (`prepareReadStoreSchema`) for the projections' role.
 */
export async function runReadStoreMigrations(
  client: PoolClient,
  schema: string,
  alsoLocked?: () => Promise<void>,
): Promise<number[]> {
  assertSchemaName(schema);
  await client.query('SELECT pg_advisory_lock($1)', [readStoreMigrationLockKey]);
  try {
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS read_store_migrations (
      version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (
        await client.query<{ version: number }>('SELECT version FROM read_store_migrations')
      ).rows.map((row) => row.version),
    );
    const ran: number[] = [];
    for (const migration of readStoreMigrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO read_store_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      ran.push(migration.version);
    }
    await alsoLocked?.();
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [readStoreMigrationLockKey]);
  }
}
