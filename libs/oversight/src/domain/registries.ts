/*
 * Other departments' registries (formats.md, "Registries from other departments") as plain rows,
 * after the importer has normalised them: ID numbers in GB 11643 form (normaliseIdNumber) with
 * their validity, dates as YYYY-MM-DD. Rules only ever match on a valid, normalised ID number,
 * never on a name: two people can share a name.
 */

export const registryKinds = [
  'public-servants',
  'village-cadres',
  'businesses',
  'vehicles',
  'property',
  'deaths',
] as const;
export type RegistryKind = (typeof registryKinds)[number];

/** Where a row came from: enough for a finding's evidence to name the exact file and line. */
export interface RegistryRowSource {
  /** SHA-256 of the snapshot's original file (the blob store keeps the bytes). */
  snapshotSha256: string;
  /** The date the department's copy describes (`asOf` of the upload). */
  asOf: string;
  /** 1-based data row in the file (the header is row 0). */
  row: number;
}

interface RowBase {
  source: RegistryRowSource;
  name: string;
}

/** 财政供养人员: a person on the public payroll. */
export interface PublicServantRow extends RowBase {
  kind: 'public-servants';
  idNumber: string;
  employer: string;
  since?: string;
}

/** 村干部及其近亲属: a cadre's own row has no relative; a relative's row names the relation. */
export interface VillageCadreRow extends RowBase {
  kind: 'village-cadres';
  cadreIdNumber: string;
  relativeIdNumber?: string;
  relativeName?: string;
  /** 配偶, 子女, 父母, 兄弟姐妹, … or 本人 for the cadre's own row. */
  relation: string;
}

/** 工商登记 */
export interface BusinessRow extends RowBase {
  kind: 'businesses';
  idNumber: string;
  type: string;
  registered: string;
}

/** 车辆登记 */
export interface VehicleRow extends RowBase {
  kind: 'vehicles';
  idNumber: string;
  plate: string;
  type: string;
  registered: string;
}

/** 商品房交易 */
export interface PropertyRow extends RowBase {
  kind: 'property';
  idNumber: string;
  type: string;
  purchased: string;
}

/** 死亡登记 */
export interface DeathRow extends RowBase {
  kind: 'deaths';
  idNumber: string;
  died: string;
}

export type RegistryRow =
  PublicServantRow | VillageCadreRow | BusinessRow | VehicleRow | PropertyRow | DeathRow;

/** The relation a cadre's own row carries. */
export const cadreSelf = '本人';

/**
 * The registries in force for a check, indexed by the ID numbers they name, so that a rule looks
 * a person up instead of scanning (a million rows per registry is the benchmark's size). A
 * village-cadres row is filed under the cadre and, when it has one, under the relative.
 */
export class RegistryIndex {
  private readonly byKind = new Map<RegistryKind, Map<string, RegistryRow[]>>();

  /** One entry per snapshot in force; a kind with no snapshot is not in force (an empty one is). */
  constructor(snapshots: Iterable<{ kind: RegistryKind; rows: Iterable<RegistryRow> }>) {
    for (const snapshot of snapshots) {
      if (!this.byKind.has(snapshot.kind)) this.byKind.set(snapshot.kind, new Map());
      for (const row of snapshot.rows) this.add(row);
    }
  }

  private add(row: RegistryRow): void {
    if (row.kind === 'village-cadres') {
      this.file(row.kind, row.cadreIdNumber, row);
      if (row.relativeIdNumber !== undefined && row.relativeIdNumber !== row.cadreIdNumber)
        this.file(row.kind, row.relativeIdNumber, row);
    } else this.file(row.kind, row.idNumber, row);
  }

  /** The rows of one kind naming `idNumber`, in the order they were given. */
  lookUp<K extends RegistryKind>(kind: K, idNumber: string): Extract<RegistryRow, { kind: K }>[] {
    return (this.byKind.get(kind)?.get(idNumber) ?? []) as Extract<RegistryRow, { kind: K }>[];
  }

  /** Whether a snapshot of `kind` is in force: a rule over a missing registry finds nothing, and says so. */
  has(kind: RegistryKind): boolean {
    return this.byKind.has(kind);
  }

  private file(kind: RegistryKind, idNumber: string, row: RegistryRow): void {
    const byId = this.byKind.get(kind) as Map<string, RegistryRow[]>;
    const rows = byId.get(idNumber);
    if (rows === undefined) byId.set(idNumber, [row]);
    else rows.push(row);
  }
}
