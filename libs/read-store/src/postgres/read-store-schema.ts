import type { ClientBase } from 'pg';
import { assertSchemaName, readStoreMigrationLockKey } from './migrations';

/** The read store's fixed objects; its per-collection tables are listed in read_collections. */
const fixedTables = ['read_collections', 'read_checkpoints', 'read_active_versions'] as const;

export interface ReadStoreSchemaOptions {
  /** The schema the read store lives in (its `schema` option). */
  schema: string;
  /** The group role that writes the read models and owns everything in the schema. */
  role: string;
}

/**
 * Run by the database's owner before the projections' role opens the read store: makes
 * `schema`, owned by `role`, which thus creates and drops its tables there and nowhere else.
 * A read store of an earlier release, kept in the owner's own schema (`public`), is moved there
 * whole (its tables, their indexes, the migrations table and the guard function) with nothing
 * rebuilt, and whatever in the schema belongs to someone else is handed to `role`. Takes the read
 * store's migration lock, so instances starting at once take turns; stop instances of an
 * earlier release first, since their tables move under them.
 */
export async function prepareReadStoreSchema(
  owner: ClientBase,
  options: ReadStoreSchemaOptions,
): Promise<void> {
  assertSchemaName(options.schema);
  assertSchemaName(options.role);
  await owner.query('SELECT pg_advisory_lock($1)', [readStoreMigrationLockKey]);
  try {
    await owner.query('BEGIN');
    try {
      for (const statement of schemaStatements(options)) await owner.query(statement);
      await owner.query('COMMIT');
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    }
  } finally {
    await owner.query('SELECT pg_advisory_unlock($1)', [readStoreMigrationLockKey]);
  }
}

function schemaStatements({ schema, role }: ReadStoreSchemaOptions): string[] {
  return [
    // Handing objects to a role needs membership in it (a superuser needs none).
    /* sql */ `DO $member$
    BEGIN
      IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
        EXECUTE format('GRANT ${role} TO %I', current_user);
      END IF;
    EXCEPTION WHEN unique_violation THEN
      NULL; -- granted meanwhile by an instance preparing another database of the same server
    END
    $member$`,
    /* sql */ `DO $schema$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${schema}') THEN
        CREATE SCHEMA ${schema} AUTHORIZATION ${role};
      END IF;
    END
    $schema$`,
    /* sql */ `DO $move$
    DECLARE
      v_legacy text := current_schema();
      v_table record;
      v_fixed text;
    BEGIN
      IF v_legacy IS NULL OR v_legacy = '${schema}'
         OR to_regclass(format('%I.read_store_migrations', v_legacy)) IS NULL
         OR to_regclass('${schema}.read_store_migrations') IS NOT NULL THEN
        RETURN;
      END IF;
      FOR v_table IN EXECUTE format('SELECT table_name FROM %I.read_collections', v_legacy) LOOP
        IF to_regclass(format('%I.%I', v_legacy, v_table.table_name)) IS NOT NULL THEN
          EXECUTE format('ALTER TABLE %I.%I SET SCHEMA ${schema}', v_legacy, v_table.table_name);
        END IF;
      END LOOP;
      FOREACH v_fixed IN ARRAY ARRAY['${[...fixedTables, 'read_store_migrations'].join("', '")}'] LOOP
        EXECUTE format('ALTER TABLE %I.%I SET SCHEMA ${schema}', v_legacy, v_fixed);
      END LOOP;
      IF to_regprocedure(format('%I.read_store_assert_writable(text, int)', v_legacy)) IS NOT NULL THEN
        EXECUTE format('ALTER FUNCTION %I.read_store_assert_writable(text, int) SET SCHEMA ${schema}', v_legacy);
      END IF;
    END
    $move$`,
    /* sql */ `DO $own$
    DECLARE
      v_object record;
    BEGIN
      IF (SELECT nspowner FROM pg_namespace WHERE nspname = '${schema}') <> '${role}'::regrole THEN
        ALTER SCHEMA ${schema} OWNER TO ${role};
      END IF;
      FOR v_object IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = '${schema}' AND c.relkind IN ('r', 'p') AND c.relowner <> '${role}'::regrole
      LOOP
        EXECUTE format('ALTER TABLE ${schema}.%I OWNER TO ${role}', v_object.relname);
      END LOOP;
      FOR v_object IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = '${schema}' AND p.proowner <> '${role}'::regrole
      LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO ${role}', v_object.signature);
      END LOOP;
    END
    $own$`,
  ];
}
