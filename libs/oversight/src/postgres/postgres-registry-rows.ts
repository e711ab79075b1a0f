import type { Pool } from 'pg';
import type { RegistryKind, RegistryRow } from '../domain';
import type { ImportedSnapshot, RegistryRows, StoredRegistryRow } from '../registry-rows.port';

/** ID numbers per lookup query, and lookup queries at once. */
const idNumbersPerQuery = 20_000;
const lookUpsInFlight = 2;

/*
 * The rows naming some people, by index probes: one probe per person into the index on
 * id_number (and one into the partial index on other_id_number, the cadres named by their
 * relatives' rows), the snapshots tested on the few rows found. The probes are fenced in a
 * lateral subquery (OFFSET 0) so that the planner cannot merge them into a scan of every row of
 * the snapshots: with the statistics a fresh import has not yet had gathered, it did, and a
 * province's check (six registries of a million rows) spent minutes filtering them.
 */
const namingSql = `
  SELECT r.snapshot_id, r.row, r.data
    FROM unnest($2::text[]) AS named(id_number)
   CROSS JOIN LATERAL (
         SELECT snapshot_id, row, data FROM registry_rows
          WHERE registry_rows.id_number = named.id_number OFFSET 0) r
   WHERE r.snapshot_id = ANY ($1::text[])
  UNION ALL
  SELECT r.snapshot_id, r.row, r.data
    FROM unnest($2::text[]) AS named(id_number)
   CROSS JOIN LATERAL (
         SELECT snapshot_id, row, data FROM registry_rows
          WHERE registry_rows.other_id_number = named.id_number OFFSET 0) r
   WHERE r.snapshot_id = ANY ($1::text[])`;

interface NamingRow {
  snapshot_id: string;
  row: number;
  data: RegistryRow;
}

/** registry_rows (migration 12) and registry_snapshots (migration 13), through the app's pool. */
export class PostgresRegistryRows implements RegistryRows {
  constructor(private readonly pool: Pool) {}

  async add(snapshotId: string, rows: readonly RegistryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const people = rows.map(personOf);
    await this.pool.query(
      `INSERT INTO registry_rows (snapshot_id, row, kind, id_number, other_id_number, data)
       SELECT $1, u.row, u.kind, u.id_number, u.other_id_number, u.data
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
              AS u(row, kind, id_number, other_id_number, data)
       ON CONFLICT (snapshot_id, row) DO NOTHING`,
      [
        snapshotId,
        rows.map((row) => row.source.row),
        rows.map((row) => row.kind),
        people.map((person) => person.idNumber),
        people.map((person) => person.other ?? null),
        rows.map((row) => JSON.stringify(row)),
      ],
    );
  }

  async count(snapshotId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM registry_rows WHERE snapshot_id = $1',
      [snapshotId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async naming(
    snapshotIds: readonly string[],
    idNumbers: readonly string[],
  ): Promise<StoredRegistryRow[]> {
    if (snapshotIds.length === 0 || idNumbers.length === 0) return [];
    const unique = [...new Set(idNumbers)];
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += idNumbersPerQuery)
      chunks.push(unique.slice(start, start + idNumbersPerQuery));
    const found = new Map<string, { snapshotId: string; row: number; data: RegistryRow }>();
    let next = 0;
    const lookUp = async () => {
      for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) {
        const { rows } = await this.pool.query<NamingRow>({
          name: 'sunlight_registry_rows_naming',
          text: namingSql,
          values: [snapshotIds, chunk],
        });
        // A cadre's row naming two of the people is found twice.
        for (const row of rows)
          found.set(`${row.snapshot_id}#${row.row}`, {
            snapshotId: row.snapshot_id,
            row: row.row,
            data: row.data,
          });
      }
    };
    await Promise.all(Array.from({ length: Math.min(lookUpsInFlight, chunks.length) }, lookUp));
    return [...found.values()]
      .sort((a, b) =>
        a.snapshotId === b.snapshotId ? a.row - b.row : a.snapshotId < b.snapshotId ? -1 : 1,
      )
      .map(({ snapshotId, data }) => ({ snapshotId, row: data }));
  }

  async rowsAt(refs: readonly { snapshotId: string; row: number }[]): Promise<StoredRegistryRow[]> {
    if (refs.length === 0) return [];
    const { rows } = await this.pool.query<{ snapshot_id: string; data: RegistryRow }>(
      `SELECT r.snapshot_id, r.data FROM registry_rows r
         JOIN unnest($1::text[], $2::int[]) AS u(snapshot_id, row)
           ON r.snapshot_id = u.snapshot_id AND r.row = u.row
        ORDER BY r.snapshot_id, r.row`,
      [refs.map((ref) => ref.snapshotId), refs.map((ref) => ref.row)],
    );
    return rows.map((row) => ({ snapshotId: row.snapshot_id, row: row.data }));
  }

  async recordImported(snapshot: ImportedSnapshot): Promise<void> {
    await this.pool.query(
      `INSERT INTO registry_snapshots (snapshot_id, kind, division_code, as_of, file_sha256, rows)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (snapshot_id) DO NOTHING`,
      [
        snapshot.snapshotId,
        snapshot.kind,
        snapshot.divisionCode,
        snapshot.asOf,
        snapshot.fileSha256,
        snapshot.rows,
      ],
    );
  }

  async inForce(divisionCodes: readonly string[]): Promise<ImportedSnapshot[]> {
    if (divisionCodes.length === 0) return [];
    const { rows } = await this.pool.query<SnapshotRow>(
      `SELECT DISTINCT ON (division_code, kind) ${snapshotColumns}
         FROM registry_snapshots
        WHERE division_code = ANY($1::text[])
        ORDER BY division_code, kind, as_of DESC, imported_at DESC, snapshot_id DESC`,
      [divisionCodes],
    );
    return rows.map(snapshotOf);
  }

  async imported(kind: RegistryKind, divisionCode: string): Promise<ImportedSnapshot[]> {
    const { rows } = await this.pool.query<SnapshotRow>(
      `SELECT ${snapshotColumns} FROM registry_snapshots
        WHERE division_code = $1 AND kind = $2
        ORDER BY as_of DESC, imported_at DESC, snapshot_id DESC
        LIMIT 1000`,
      [divisionCode, kind],
    );
    return rows.map(snapshotOf);
  }
}

const snapshotColumns = 'snapshot_id, kind, division_code, as_of, file_sha256, rows';

interface SnapshotRow {
  snapshot_id: string;
  kind: RegistryKind;
  division_code: string;
  as_of: string;
  file_sha256: string;
  rows: number;
}

function snapshotOf(row: SnapshotRow): ImportedSnapshot {
  return {
    snapshotId: row.snapshot_id,
    kind: row.kind,
    divisionCode: row.division_code,
    asOf: row.as_of,
    fileSha256: row.file_sha256,
    rows: row.rows,
  };
}

/** Whom a row is about: a relative's row is about the relative, and names the cadre beside. */
function personOf(row: RegistryRow): { idNumber: string; other?: string } {
  if (row.kind !== 'village-cadres') return { idNumber: row.idNumber };
  if (row.relativeIdNumber === undefined) return { idNumber: row.cadreIdNumber };
  return { idNumber: row.relativeIdNumber, other: row.cadreIdNumber };
}
