import type { ClientBase } from 'pg';
import { merkleTreeMigrationSql } from './merkle-tree-migration';
import { registryRowsMigrationSql, registrySnapshotsMigrationSql } from './registry-rows-migration';

/**
 * Versioned schema migrations. Each runs once, in order, inside its own transaction; a
 * session-level advisory lock makes two instances starting at once take turns.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The role the application acts as: it may read and append, never rewrite. */
export const appRoleName = 'sunlight_app';
/** The role projections and processors act as: they read the log and write only their own tables. */
export const projectorRoleName = 'sunlight_projector';

const migrationLockKey = 0x53554e4c; // "SUNL"
/** The argument types of `sunlight_append` and `sunlight_append_one_by_one`. */
const appendSignature = '(text[], text[], text[], int[], uuid[], text[], text[], text[], text[])';
export const appendLockKey = 0x53554e41; // "SUNA"
/** SQLSTATE of the error the claims trigger raises: the key is its message, the holder its detail. */
export const claimTakenSqlState = 'SLC01';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events table, append function, immutability',
    sql: /* sql */ `
      CREATE TABLE events (
        position    bigint      PRIMARY KEY CHECK (position > 0),
        stream_name text        NOT NULL,
        revision    bigint      NOT NULL CHECK (revision >= 0),
        event_id    uuid        NOT NULL,
        type        text        NOT NULL,
        data        jsonb       NOT NULL,
        metadata    jsonb       NOT NULL,
        recorded_at timestamptz NOT NULL,
        hash        bytea       NOT NULL CHECK (octet_length(hash) = 32),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision),
        CONSTRAINT events_stream_event_id_key UNIQUE (stream_name, event_id)
      );

      CREATE FUNCTION sunlight_refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'events are immutable: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION sunlight_refuse_event_change();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION sunlight_refuse_event_change();

      -- One call is one round trip and one transaction for several appends (from concurrent
      -- callers of one process): the global lock, the revision checks, the hashing and the
      -- inserts all happen here, so the lock is never held while a client thinks, and the
      -- commit that ends the call is shared by every append in it.
      -- Per append: 'ok' | 'duplicate' (an identical earlier append, nothing written) |
      -- 'wrong_version' | 'conflict' (some ids exist, but not as an identical earlier append).
      CREATE FUNCTION sunlight_append(
        p_streams text[], p_stream_jsons text[], p_expected text[], p_counts int[],
        p_ids uuid[], p_types text[], p_type_jsons text[], p_datas text[], p_metas text[]
      ) RETURNS TABLE (item int, result text, last_revision bigint, last_position bigint, actual_revision bigint)
      LANGUAGE plpgsql
      -- Its plans are cached per session from statistics of the moment; a plan made while the
      -- table was small would scan it sequentially forever after, under the global lock.
      SET enable_seqscan = off
      AS $fn$
      DECLARE
        v_offset int := 0;
        v_count int;
        v_stream text;
        v_expected text;
        v_ids uuid[];
        v_current bigint;
        v_found int;
        v_min_rev bigint;
        v_max_rev bigint;
        v_max_pos bigint;
        v_in_order boolean;
        v_position bigint;
        v_hash bytea;
        v_revision bigint;
        v_now timestamptz;
        v_now_text text;
        v_hashes bytea[];
        v_written int := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(${appendLockKey});
        SELECT e.position, e.hash INTO v_position, v_hash FROM events e ORDER BY e.position DESC LIMIT 1;
        v_position := coalesce(v_position, 0);
        v_hash := coalesce(v_hash, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
        v_now := date_trunc('milliseconds', clock_timestamp());
        v_now_text := to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

        FOR k IN 1 .. cardinality(p_streams) LOOP
          v_stream := p_streams[k];
          v_expected := p_expected[k];
          v_count := p_counts[k];
          v_ids := p_ids[v_offset + 1 : v_offset + v_count];
          v_in_order := NULL;
          SELECT max(e.revision) INTO v_current FROM events e WHERE e.stream_name = v_stream;
          SELECT count(*), min(e.revision), max(e.revision), max(e.position)
            INTO v_found, v_min_rev, v_max_rev, v_max_pos
            FROM events e WHERE e.stream_name = v_stream AND e.event_id = ANY (v_ids);

          IF v_found > 0 THEN
            IF v_found = v_count AND v_max_rev - v_min_rev = v_count - 1 THEN
              SELECT bool_and(e.event_id = v_ids[(e.revision - v_min_rev + 1)::int]) INTO v_in_order
                FROM events e WHERE e.stream_name = v_stream AND e.event_id = ANY (v_ids);
            END IF;
            IF v_in_order IS TRUE AND (
                 v_expected IN ('any', 'stream_exists')
                 OR (v_expected = 'no_stream' AND v_min_rev = 0)
                 OR (v_expected ~ '^[0-9]+$' AND v_min_rev = v_expected::bigint + 1)) THEN
              RETURN QUERY SELECT k, 'duplicate'::text, v_max_rev, v_max_pos, v_current;
            ELSE
              RETURN QUERY SELECT k, 'conflict'::text, NULL::bigint, NULL::bigint, v_current;
            END IF;
          ELSIF (v_expected = 'no_stream' AND v_current IS NOT NULL)
             OR (v_expected = 'stream_exists' AND v_current IS NULL)
             OR (v_expected ~ '^[0-9]+$' AND v_current IS DISTINCT FROM v_expected::bigint) THEN
            RETURN QUERY SELECT k, 'wrong_version'::text, NULL::bigint, NULL::bigint, v_current;
          ELSE
            v_revision := coalesce(v_current, -1);
            v_hashes := '{}';
            FOR i IN v_offset + 1 .. v_offset + v_count LOOP
              -- RFC 8785 text of {data,id,metadata,position,recordedAt,revision,stream,type}: keys
              -- in code-unit order; data, metadata, stream and type arrive already canonical.
              v_hash := sha256(v_hash || convert_to(
                '{"data":' || p_datas[i] || ',"id":"' || p_ids[i]::text || '","metadata":' || p_metas[i]
                || ',"position":"' || (v_position + i - v_offset)::text || '","recordedAt":"' || v_now_text
                || '","revision":"' || (v_revision + i - v_offset)::text || '","stream":' || p_stream_jsons[k]
                || ',"type":' || p_type_jsons[i] || '}', 'UTF8'));
              v_hashes := v_hashes || v_hash;
            END LOOP;
            INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
            SELECT v_position + n, v_stream, v_revision + n, u.id, u.type, u.data::jsonb, u.meta::jsonb, v_now, u.hash
              FROM unnest(p_ids[v_offset + 1 : v_offset + v_count], p_types[v_offset + 1 : v_offset + v_count],
                          p_datas[v_offset + 1 : v_offset + v_count], p_metas[v_offset + 1 : v_offset + v_count],
                          v_hashes) WITH ORDINALITY AS u(id, type, data, meta, hash, n);
            v_position := v_position + v_count;
            v_written := v_written + v_count;
            RETURN QUERY SELECT k, 'ok'::text, v_revision + v_count, v_position, v_current;
          END IF;
          v_offset := v_offset + v_count;
        END LOOP;

        IF v_written > 0 THEN
          PERFORM pg_notify('sunlight_events', v_position::text);
        END IF;
      END
      $fn$;

      DO $roles$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appRoleName}') THEN
          CREATE ROLE ${appRoleName} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database of the same cluster created it first
      END
      $roles$;
      DO $membership$
      BEGIN
        EXECUTE format('GRANT ${appRoleName} TO %I', current_user);
      EXCEPTION WHEN OTHERS THEN
        NULL; -- a superuser needs no membership, and a DBA may have granted it already
      END
      $membership$;
      REVOKE ALL ON events FROM PUBLIC;
      REVOKE ALL ON events FROM ${appRoleName};
      GRANT SELECT, INSERT ON events TO ${appRoleName};
      GRANT EXECUTE ON FUNCTION sunlight_append(text[], text[], text[], int[], uuid[], text[], text[], text[], text[]) TO ${appRoleName};
    `,
  },
  {
    version: 2,
    name: 'snapshots and processor checkpoints',
    sql: /* sql */ `
      -- Derived data beside the log: a cache of folded stream state, safe to drop at any time.
      CREATE TABLE snapshots (
        stream_name    text        PRIMARY KEY,
        schema_version int         NOT NULL,
        revision       bigint      NOT NULL,
        state          jsonb       NOT NULL,
        taken_at       timestamptz NOT NULL
      );
      -- Where each background processor (e.g. the allocation relay) has got to in the log.
      CREATE TABLE processor_checkpoints (
        processor  text        PRIMARY KEY,
        position   text        NOT NULL,
        updated_at timestamptz NOT NULL
      );
      GRANT SELECT, INSERT, UPDATE, DELETE ON snapshots, processor_checkpoints TO ${appRoleName};
    `,
  },
  {
    version: 3,
    name: 'events by transfer id',
    sql: /* sql */ `
      -- Every money movement is a transfer with a client-chosen id (docs/design.md §5). Finding the
      -- events of one transfer straight from the log keeps idempotent replies and route lookups
      -- (approve /disbursements/:transferId) consistent with it, with no second table to drift.
      CREATE INDEX events_transfer_id_idx ON events ((data ->> 'transferId'), position)
        WHERE data ? 'transferId';
    `,
  },
  {
    version: 4,
    name: 'set-based append',
    sql: /* sql */ `
      -- The one-by-one append spent four statements per append under the global lock (its
      -- revision lookup, its id lookup, its insert, its result), so the lock was held about
      -- 0.22 ms per append whatever the batch. Here a call whose streams are distinct and whose
      -- event ids are all new -- every call but an idempotent retry or two appends to one
      -- stream -- looks up every revision in one statement and inserts every event in one.
      -- The others still take the one-by-one path, kept under a new name: its rules are the
      -- reference, and the contract suite exercises both.
      -- Each append also answers with its events' recorded_at, so a caller can describe what it
      -- wrote without reading it back.
      ALTER FUNCTION sunlight_append(text[], text[], text[], int[], uuid[], text[], text[], text[], text[])
        RENAME TO sunlight_append_one_by_one;
${setBasedAppendFunctionSql(4)}      GRANT EXECUTE ON FUNCTION sunlight_append(text[], text[], text[], int[], uuid[], text[], text[], text[], text[]) TO ${appRoleName};
    `,
  },
  {
    version: 5,
    name: 'append with event texts in one binary parameter',
    sql: /* sql */ `
      -- Event data and metadata are most of an append's bytes. As elements of text[] parameters
      -- the client escaped every quote in them and the server unescaped them again character by
      -- character (array_in): a tenth of the client's CPU and a visible share of the server's in
      -- bench:append. Here they travel as one bytea, sent in binary, cut apart by byte lengths
      -- ([data bytes, metadata bytes] per event), and handed on to sunlight_append unchanged.
      CREATE FUNCTION sunlight_append_packed(
        p_streams text[], p_stream_jsons text[], p_expected text[], p_counts int[],
        p_ids uuid[], p_types text[], p_type_jsons text[], p_texts bytea, p_text_bytes int[]
      ) RETURNS TABLE (item int, result text, last_revision bigint, last_position bigint, actual_revision bigint,
                      recorded_at timestamptz)
      LANGUAGE plpgsql
      AS $fn$
      DECLARE
        v_datas text[];
        v_metas text[];
        v_total bigint;
      BEGIN
        IF cardinality(p_text_bytes) IS DISTINCT FROM 2 * cardinality(p_ids) THEN
          RAISE EXCEPTION 'p_text_bytes holds % lengths for % events', cardinality(p_text_bytes), cardinality(p_ids)
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT array_agg(t.text ORDER BY t.n) FILTER (WHERE t.n % 2 = 1),
               array_agg(t.text ORDER BY t.n) FILTER (WHERE t.n % 2 = 0),
               max(t.start + t.bytes - 1)
          INTO v_datas, v_metas, v_total
          FROM (SELECT s.n, s.start, s.bytes,
                       convert_from(substring(p_texts FROM s.start::int FOR s.bytes), 'UTF8') AS text
                  FROM (SELECT u.n, u.bytes, 1 + sum(u.bytes) OVER (ORDER BY u.n) - u.bytes AS start
                          FROM unnest(p_text_bytes) WITH ORDINALITY AS u(bytes, n)) s) t;
        IF v_total IS DISTINCT FROM octet_length(p_texts) THEN
          RAISE EXCEPTION 'p_text_bytes add up to % bytes, p_texts holds %', v_total, octet_length(p_texts)
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN QUERY SELECT * FROM sunlight_append(
          p_streams, p_stream_jsons, p_expected, p_counts, p_ids, p_types, p_type_jsons, v_datas, v_metas);
      END
      $fn$;
      GRANT EXECUTE ON FUNCTION sunlight_append_packed(text[], text[], text[], int[], uuid[], text[], text[], bytea, int[]) TO ${appRoleName};
    `,
  },
  {
    version: 6,
    name: 'append parses event texts before taking the lock',
    sql: setBasedAppendFunctionSql(6),
  },
  {
    version: 7,
    name: 'append leaves event ids to the unique index and takes its texts as binary arrays; hash index of transfer ids',
    sql: /* sql */ `
${setBasedAppendFunctionSql(7)}
      -- The store now calls sunlight_append itself, with ids, types and texts as binary arrays
      -- (array_recv takes each element's bytes as they come). Unpacking migration 5's one
      -- bytea in SQL cost 0.55 ms of every 200-event call, before the lock but on the path of
      -- every call. An instance of an earlier version still calls the wrapper: stop those
      -- before this migration runs.
      DROP FUNCTION sunlight_append_packed(text[], text[], text[], int[], uuid[], text[], text[], bytea, int[]);

      -- Every event that carries a transfer id (most of them) adds an entry to this index, under
      -- the append lock. A B-tree of random text keys cost about 6 µs an event there, a hash
      -- index about 2 (one INSERT of 200 events, alone on PostgreSQL 15: 3.2–3.6 ms against
      -- 2.0–2.7; under the lock in bench:append (c): 3.2 against 2.7). An id's few events are
      -- sorted by position after the lookup.
      DROP INDEX events_transfer_id_idx;
      CREATE INDEX events_transfer_id_idx ON events USING hash ((data ->> 'transferId'))
        WHERE data ? 'transferId';
    `,
  },
  {
    version: 8,
    name: 'appends only through sunlight_append, as its owner; a role for projections and processors',
    sql: /* sql */ `
      -- Roles belong to the whole server: another database's migration may create it at the same time.
      DO $roles$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${projectorRoleName}') THEN
          CREATE ROLE ${projectorRoleName} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END
      $roles$;

      -- With INSERT on events the application could write an event of its own making, correctly
      -- chained, and verify would vouch for it. It now appends only through sunlight_append, which
      -- runs as the log's owner; the roles keep SELECT.
      REVOKE ALL ON events FROM ${appRoleName}, ${projectorRoleName};
      GRANT SELECT ON events TO ${appRoleName}, ${projectorRoleName};

      -- A function running as its owner must not resolve names through its caller's search_path
      -- (a temporary table named events would otherwise receive the appends): pg_catalog first,
      -- the log's own schema, and pg_temp last. Nobody else may create objects in that schema.
      DO $pin$
      BEGIN
        EXECUTE format('ALTER FUNCTION sunlight_append${appendSignature} SECURITY DEFINER
                          SET search_path = pg_catalog, %I, pg_temp', current_schema());
        EXECUTE format('ALTER FUNCTION sunlight_append_one_by_one${appendSignature}
                          SET search_path = pg_catalog, %I, pg_temp', current_schema());
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${appRoleName}, ${projectorRoleName}', current_schema());
        BEGIN
          EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
        EXCEPTION WHEN insufficient_privilege THEN
          -- Only the schema's owner can; the start-up check refuses a login that may still create there.
          RAISE WARNING 'could not revoke CREATE on schema % from PUBLIC: %', current_schema(), SQLERRM;
        END;
      END
      $pin$;
      -- Functions are executable by PUBLIC unless revoked.
      REVOKE ALL ON FUNCTION sunlight_append${appendSignature} FROM PUBLIC, ${appRoleName};
      GRANT EXECUTE ON FUNCTION sunlight_append${appendSignature} TO ${appRoleName}, ${projectorRoleName};
      REVOKE ALL ON FUNCTION sunlight_append_one_by_one${appendSignature} FROM PUBLIC, ${appRoleName};

      -- Snapshots are written by the command path; processor checkpoints by the processors.
      REVOKE ALL ON snapshots, processor_checkpoints FROM ${appRoleName}, ${projectorRoleName};
      GRANT SELECT, INSERT, UPDATE ON snapshots TO ${appRoleName};
      GRANT SELECT, INSERT, UPDATE ON processor_checkpoints TO ${projectorRoleName};
    `,
  },
  {
    version: 9,
    name: 'claims: keys held by one stream across the whole log, checked under the append lock',
    sql: /* sql */ `
      -- Which stream holds each claimed key (a transfer id, a person's ID number). Filled from
      -- the events' metadata.claims and metadata.releases by the trigger below, inside the
      -- append's own transaction and under its lock, so two streams racing for one key cannot
      -- both win. It is derived from the log and can be rebuilt from it.
      CREATE TABLE stream_claims (
        key text PRIMARY KEY,
        stream_name text NOT NULL,
        position bigint NOT NULL
      );
      GRANT SELECT ON stream_claims TO ${appRoleName}, ${projectorRoleName};

      CREATE FUNCTION sunlight_apply_claims() RETURNS trigger
      LANGUAGE plpgsql
      AS $fn$
      DECLARE
        v_key text;
        v_holder text;
      BEGIN
        FOR v_key IN SELECT jsonb_array_elements_text(coalesce(NEW.metadata -> 'releases', '[]'::jsonb)) LOOP
          DELETE FROM stream_claims WHERE key = v_key AND stream_name = NEW.stream_name;
        END LOOP;
        FOR v_key IN SELECT jsonb_array_elements_text(coalesce(NEW.metadata -> 'claims', '[]'::jsonb)) LOOP
          INSERT INTO stream_claims (key, stream_name, position)
            VALUES (v_key, NEW.stream_name, NEW.position)
            ON CONFLICT (key) DO NOTHING;
          IF NOT FOUND THEN
            SELECT c.stream_name INTO v_holder FROM stream_claims c WHERE c.key = v_key;
            IF v_holder IS DISTINCT FROM NEW.stream_name THEN
              -- The whole append fails and writes nothing; the store names the key to its caller.
              RAISE EXCEPTION USING ERRCODE = '${claimTakenSqlState}', MESSAGE = v_key, DETAIL = v_holder;
            END IF;
          END IF;
        END LOOP;
        RETURN NULL;
      END
      $fn$;
      DO $pin$
      BEGIN
        EXECUTE format('ALTER FUNCTION sunlight_apply_claims() SET search_path = pg_catalog, %I, pg_temp',
                       current_schema());
      END
      $pin$;
      REVOKE ALL ON FUNCTION sunlight_apply_claims() FROM PUBLIC;
      -- Most events claim nothing: the WHEN keeps them from calling the function at all.
      CREATE TRIGGER events_claims AFTER INSERT ON events FOR EACH ROW
        WHEN (NEW.metadata ? 'claims' OR NEW.metadata ? 'releases')
        EXECUTE FUNCTION sunlight_apply_claims();

      -- Events written before claims existed carry none in their metadata. The only keys held
      -- then were the funds ledger's transfer ids: each transfer's first event of each step
      -- holds its key, as the funds context claims them now (docs/event-catalogue.md).
      INSERT INTO stream_claims (key, stream_name, position)
      SELECT DISTINCT ON (k.key) k.key, k.stream_name, k.position
        FROM (
          SELECT 'transfer:' || (e.data ->> 'transferId') ||
                 CASE
                   WHEN e.type IN ('FundsAppropriated', 'AllocationSent', 'DisbursementRequested',
                                   'TransferReversed', 'FundsRecovered') THEN ''
                   WHEN e.type = 'AllocationReceived' THEN ':received'
                   WHEN e.type IN ('DisbursementApproved', 'DisbursementRejected') THEN ':decision'
                   WHEN e.type IN ('DisbursementPaid', 'DisbursementFailed') THEN ':settlement'
                 END AS key,
                 e.stream_name, e.position
            FROM events e
           WHERE e.stream_name LIKE 'pool-%' AND e.data ? 'transferId'
        ) k
       WHERE k.key IS NOT NULL
       ORDER BY k.key, k.position;

      -- Lookups by transfer id go through the claims now; this index cost every append.
      DROP INDEX events_transfer_id_idx;
    `,
  },
  {
    version: 10,
    name: 'snapshots are sealed: the chain hash of their event and an HMAC under a key kept outside the database',
    sql: /* sql */ `
      -- A snapshot without a seal is never loaded; older ones are dropped rather than trusted.
      -- Snapshots are a cache: the streams fold from the log, and new ones are taken as commands run.
      DELETE FROM snapshots;
      ALTER TABLE snapshots ADD COLUMN chain_hash bytea, ADD COLUMN seal bytea;
    `,
  },
  {
    version: 11,
    name: 'the Merkle tree over the log, signed checkpoints and witness cosignatures',
    sql: merkleTreeMigrationSql(appRoleName, projectorRoleName),
  },
  {
    version: 12,
    name: "other departments' registry rows, derived from their stored files",
    sql: registryRowsMigrationSql(appRoleName),
  },
  {
    version: 13,
    name: 'registry snapshots whose import finished, for the snapshot in force',
    sql: registrySnapshotsMigrationSql(appRoleName),
  },
];

/**
 * `sunlight_append`, the set-based append of migration 4, written once for migrations 4, 6 and 7
 * so they cannot drift apart. Each later one keeps every rule but does before taking the append
 * lock, which every append waits for, work that needs no position:
 * - 6 parses the event texts into jsonb (the INSERT under the lock did it) and builds each
 *   event's hashed text up to its position. pgbench, two clients calling it with 200 events
 *   each, PostgreSQL 15, alternating 8–10 s runs: parsing first, 183 → 215 calls/s on average
 *   over seven pairs (ahead in six); the hashed text too, 270 → 285 over four more (ahead in
 *   three).
 * - 7 no longer looks for the call's event ids before the INSERT (0.3–0.6 ms of every call of
 *   200 events in bench:append (c)): the unique index checks each one as it is added anyway.
 *   A call that carries an idempotent retry fails there and the store retries its appends one
 *   by one, as the comments in the function say.
 */
function setBasedAppendFunctionSql(migration: 4 | 6 | 7): string {
  const parseBeforeLock = migration >= 6;
  const idsLeftToUniqueIndex = migration >= 7;
  const someIdExists = /* sql */ `EXISTS (SELECT 1 FROM unnest(v_event_streams, p_ids) u(stream_name, event_id)
                       WHERE EXISTS (SELECT 1 FROM events e WHERE e.stream_name = u.stream_name AND e.event_id = u.event_id))`;
  const oneByOne = /* sql */ `          RETURN QUERY SELECT o.*, (SELECT e.recorded_at FROM events e WHERE e.position = o.last_position)
            FROM sunlight_append_one_by_one(
              p_streams, p_stream_jsons, p_expected, p_counts, p_ids, p_types, p_type_jsons, p_datas, p_metas) AS o;
          RETURN;
`;
  const route = /* sql */ `        FOR k IN 1 .. v_appends LOOP
          FOR j IN 1 .. p_counts[k] LOOP
            v_event_streams[v_offset + j] := p_streams[k];
          END LOOP;
          v_offset := v_offset + p_counts[k];
        END LOOP;

        -- Idempotent retries and several appends to one stream need the one-by-one rules; a call
        -- with neither (the common case) is decided here with a handful of set-based statements.
${
  idsLeftToUniqueIndex
    ? `        -- Event ids are not looked up first: UNIQUE (stream_name, event_id) checks every one as
        -- the INSERT below adds it anyway. A call carrying a retry thus fails there, whole and
        -- having written nothing, and the store retries its appends one call each, on the
        -- one-by-one path, which answers the retry as a duplicate. A retry refused for its
        -- expectation never reaches the INSERT, so it is looked for below.
        IF (SELECT count(DISTINCT s) FROM unnest(p_streams) s) < v_appends THEN`
    : `        IF (SELECT count(DISTINCT s) FROM unnest(p_streams) s) < v_appends
           OR ${someIdExists} THEN`
}
${oneByOne}        END IF;
`;
  return /* sql */ `
      ${migration > 4 ? 'CREATE OR REPLACE' : 'CREATE'} FUNCTION sunlight_append(
        p_streams text[], p_stream_jsons text[], p_expected text[], p_counts int[],
        p_ids uuid[], p_types text[], p_type_jsons text[], p_datas text[], p_metas text[]
      ) RETURNS TABLE (item int, result text, last_revision bigint, last_position bigint, actual_revision bigint,
                      recorded_at timestamptz)
      LANGUAGE plpgsql
      SET enable_seqscan = off
      AS $fn$
      DECLARE
        v_appends int := cardinality(p_streams);
        v_events int := cardinality(p_ids);
        v_event_streams text[];
        v_currents bigint[];
        v_position bigint;
        v_hash bytea;
        v_now timestamptz;
        v_now_text text;
        v_offset int := 0;
        v_count int;
        v_expected text;
        v_current bigint;
        v_revision bigint;
        v_positions bigint[];
        v_revisions bigint[];
        v_hashes bytea[];
        v_results text[];
        v_last_revisions bigint[];
        v_last_positions bigint[];
        v_written int := 0;${
          parseBeforeLock
            ? `
        v_data_jsons jsonb[];
        v_meta_jsons jsonb[];
        v_hash_heads bytea[];`
            : ''
        }
      BEGIN
        -- A single append is as quick one by one: the set-based statements cost more to start.
        IF v_appends = 1 THEN
          RETURN QUERY SELECT o.*, (SELECT e.recorded_at FROM events e WHERE e.position = o.last_position)
            FROM sunlight_append_one_by_one(
              p_streams, p_stream_jsons, p_expected, p_counts, p_ids, p_types, p_type_jsons, p_datas, p_metas) AS o;
          RETURN;
        END IF;
${
  parseBeforeLock
    ? `        -- Parsed before the lock, which every append waits for, rather than by the INSERT under it.
        v_data_jsons := p_datas::jsonb[];
        v_meta_jsons := p_metas::jsonb[];
        -- Likewise the start of each event's hashed text, up to its position: its bulk (data and
        -- metadata) is known before the lock; only position, time, revision, stream and type
        -- are added under it.
        v_hash_heads := ARRAY(
          SELECT convert_to('{"data":' || u.data || ',"id":"' || u.id::text || '","metadata":' || u.meta || ',"position":"', 'UTF8')
            FROM unnest(p_datas, p_ids, p_metas) WITH ORDINALITY AS u(data, id, meta, n)
           ORDER BY u.n);
`
    : ''
}${
    idsLeftToUniqueIndex
      ? `        -- Filled with NULLs to their full length up front: assigning element i of an empty
        -- array would make i its lower bound, and unnest would shift every row after it.
        v_event_streams := array_fill(NULL::text, ARRAY[v_events]);
${route}`
      : ''
  }        PERFORM pg_advisory_xact_lock(${appendLockKey});
${
  idsLeftToUniqueIndex
    ? ''
    : `        -- Filled with NULLs to their full length up front: assigning element i of an empty
        -- array would make i its lower bound, and unnest would shift every row after it.
        v_event_streams := array_fill(NULL::text, ARRAY[v_events]);
`
}        v_positions := array_fill(NULL::bigint, ARRAY[v_events]);
        v_revisions := array_fill(NULL::bigint, ARRAY[v_events]);
        v_hashes := array_fill(NULL::bytea, ARRAY[v_events]);
        v_results := array_fill(NULL::text, ARRAY[v_appends]);
        v_last_revisions := array_fill(NULL::bigint, ARRAY[v_appends]);
        v_last_positions := array_fill(NULL::bigint, ARRAY[v_appends]);
${idsLeftToUniqueIndex ? '' : route}
        SELECT array_agg((SELECT max(e.revision) FROM events e WHERE e.stream_name = s.stream_name) ORDER BY s.k)
          INTO v_currents FROM unnest(p_streams) WITH ORDINALITY AS s(stream_name, k);
        SELECT e.position, e.hash INTO v_position, v_hash FROM events e ORDER BY e.position DESC LIMIT 1;
        v_position := coalesce(v_position, 0);
        v_hash := coalesce(v_hash, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
        v_now := date_trunc('milliseconds', clock_timestamp());
        v_now_text := to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

        v_offset := 0;
        FOR k IN 1 .. v_appends LOOP
          v_expected := p_expected[k];
          v_count := p_counts[k];
          v_current := v_currents[k];
          IF (v_expected = 'no_stream' AND v_current IS NOT NULL)
             OR (v_expected = 'stream_exists' AND v_current IS NULL)
             OR (v_expected ~ '^[0-9]+$' AND v_current IS DISTINCT FROM v_expected::bigint) THEN
            v_results[k] := 'wrong_version';
          ELSE
            v_revision := coalesce(v_current, -1);
            FOR i IN v_offset + 1 .. v_offset + v_count LOOP
              v_position := v_position + 1;
              v_revision := v_revision + 1;
              -- RFC 8785 text of {data,id,metadata,position,recordedAt,revision,stream,type}, as in
              -- sunlight_append_one_by_one.
${
  parseBeforeLock
    ? `              v_hash := sha256(v_hash || v_hash_heads[i] || convert_to(
                v_position::text || '","recordedAt":"' || v_now_text || '","revision":"' || v_revision::text
                || '","stream":' || p_stream_jsons[k] || ',"type":' || p_type_jsons[i] || '}', 'UTF8'));`
    : `              v_hash := sha256(v_hash || convert_to(
                '{"data":' || p_datas[i] || ',"id":"' || p_ids[i]::text || '","metadata":' || p_metas[i]
                || ',"position":"' || v_position::text || '","recordedAt":"' || v_now_text
                || '","revision":"' || v_revision::text || '","stream":' || p_stream_jsons[k]
                || ',"type":' || p_type_jsons[i] || '}', 'UTF8'));`
}
              v_positions[i] := v_position;
              v_revisions[i] := v_revision;
              v_hashes[i] := v_hash;
            END LOOP;
            v_results[k] := 'ok';
            v_last_revisions[k] := v_revision;
            v_last_positions[k] := v_position;
            v_written := v_written + v_count;
          END IF;
          v_offset := v_offset + v_count;
        END LOOP;
${
  idsLeftToUniqueIndex
    ? `        -- A refused expectation may be an idempotent retry: the one-by-one rules answer it.
        IF v_written < v_events AND ${someIdExists} THEN
${oneByOne}        END IF;
`
    : ''
}
        IF v_written > 0 THEN
          INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
          SELECT u.position, u.stream_name, u.revision, u.event_id, u.type, u.data::jsonb, u.meta::jsonb, v_now, u.hash
            FROM unnest(v_positions, v_event_streams, v_revisions, p_ids, p_types, ${parseBeforeLock ? 'v_data_jsons, v_meta_jsons' : 'p_datas, p_metas'}, v_hashes)
              AS u(position, stream_name, revision, event_id, type, data, meta, hash)
           WHERE u.position IS NOT NULL;
          PERFORM pg_notify('sunlight_events', v_position::text);
        END IF;
        RETURN QUERY SELECT u.k::int, u.result, u.last_revision, u.last_position, u.actual_revision,
                            CASE WHEN u.result = 'ok' THEN v_now END
          FROM unnest(v_results, v_last_revisions, v_last_positions, v_currents) WITH ORDINALITY
            AS u(result, last_revision, last_position, actual_revision, k);
      END
      $fn$;
`;
}

export async function runMigrations(client: ClientBase): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS sunlight_migrations (
      version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM sunlight_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    const ran: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO sunlight_migrations (version, name) VALUES ($1, $2)', [
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
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
  }
}
