/**
 * Migration 12: the rows of other departments' registries (libs/oversight), kept for matching.
 * They are derived data: each snapshot's original file is in the blob store under the SHA-256
 * its RegistrySnapshotUploaded event records, and the rows can be read from it again. A row is
 * written once (the import job inserts with ON CONFLICT DO NOTHING, so a retried job adds
 * nothing twice) and never changed: the app's role may insert and read, not update or delete.
 */
export function registryRowsMigrationSql(appRole: string): string {
  return /* sql */ `
      CREATE TABLE registry_rows (
        snapshot_id text NOT NULL,
        row integer NOT NULL CHECK (row >= 1),
        kind text NOT NULL,
        -- The person the row is about (a cadre's own row: the cadre; a relative's row: the
        -- relative), and for a relative's row the cadre too, so a lookup finds both.
        id_number text NOT NULL,
        other_id_number text,
        data jsonb NOT NULL,
        PRIMARY KEY (snapshot_id, row)
      );
      CREATE INDEX registry_rows_id_number_idx ON registry_rows (id_number, snapshot_id);
      CREATE INDEX registry_rows_other_id_number_idx ON registry_rows (other_id_number, snapshot_id)
        WHERE other_id_number IS NOT NULL;
      REVOKE ALL ON registry_rows FROM PUBLIC;
      GRANT SELECT, INSERT ON registry_rows TO ${appRole};
  `;
}

/**
 * Migration 13: the registry snapshots whose import finished, one row each, so a cross-check
 * finds the snapshot in force for a kind and division (the newest by asOf) without reading the
 * log. Derived from RegistrySnapshotImported (the rows already recorded are copied from the log
 * here); written once by the import job, never changed.
 */
export function registrySnapshotsMigrationSql(appRole: string): string {
  return /* sql */ `
      CREATE TABLE registry_snapshots (
        snapshot_id text PRIMARY KEY,
        kind text NOT NULL,
        division_code text NOT NULL,
        as_of text NOT NULL,
        file_sha256 text NOT NULL,
        rows integer NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX registry_snapshots_in_force_idx
        ON registry_snapshots (division_code, kind, as_of DESC, imported_at DESC);
      INSERT INTO registry_snapshots (snapshot_id, kind, division_code, as_of, file_sha256, rows, imported_at)
        SELECT e.data ->> 'snapshotId', e.data ->> 'kind',
               substring(e.data ->> 'snapshotId' from '^rg-[a-z-]+-([0-9]+)-[0-9a-f]{12}$'),
               e.data ->> 'asOf', e.data ->> 'fileSha256', (e.data ->> 'rows')::integer, e.recorded_at
          FROM events e
         WHERE e.type = 'RegistrySnapshotImported' AND e.stream_name ^@ 'registry-'
        ON CONFLICT (snapshot_id) DO NOTHING;
      REVOKE ALL ON registry_snapshots FROM PUBLIC;
      GRANT SELECT, INSERT ON registry_snapshots TO ${appRole};
  `;
}
