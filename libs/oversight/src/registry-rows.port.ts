import type { RegistryKind, RegistryRow } from './domain';

export const REGISTRY_ROWS = 'REGISTRY_ROWS';

/** A snapshot whose import finished: what the cross-checks choose the snapshot in force from. */
export interface ImportedSnapshot {
  snapshotId: string;
  kind: RegistryKind;
  divisionCode: string;
  asOf: string;
  fileSha256: string;
  rows: number;
}

/** A registry row with the snapshot it belongs to. */
export interface StoredRegistryRow {
  snapshotId: string;
  row: RegistryRow;
}

/**
 * The rows of imported registry snapshots, kept beside the log for matching. Derived data: each
 * snapshot's file is in the blob store, and the rows can be read from it again.
 */
export interface RegistryRows {
  /** Adds a snapshot's rows; rows it holds already (a retried import) are left as they are. */
  add(snapshotId: string, rows: readonly RegistryRow[]): Promise<void>;
  /** How many rows a snapshot has. */
  count(snapshotId: string): Promise<number>;
  /**
   * The rows of these snapshots that name any of these ID numbers (a cadre's or a relative's),
   * each once, by snapshot and row; any number of ID numbers (a province's check asks for a million).
   */
  naming(
    snapshotIds: readonly string[],
    idNumbers: readonly string[],
  ): Promise<StoredRegistryRow[]>;
  /** These rows of these snapshots, as `[snapshotId, row]` pairs (a finding's evidence). */
  rowsAt(refs: readonly { snapshotId: string; row: number }[]): Promise<StoredRegistryRow[]>;
  /** Records that a snapshot's import finished (again: nothing changes). */
  recordImported(snapshot: ImportedSnapshot): Promise<void>;
  /**
   * The snapshot in force of each kind for each of these divisions: the newest by asOf (of two
   * with the same asOf, the one imported last).
   */
  inForce(divisionCodes: readonly string[]): Promise<ImportedSnapshot[]>;
  /** Every imported snapshot of a kind for one division, the one in force first. */
  imported(kind: RegistryKind, divisionCode: string): Promise<ImportedSnapshot[]>;
}
