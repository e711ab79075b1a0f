import { Inject, Injectable } from '@nestjs/common';
import {
  registrySnapshotStreamName,
  type RegistryKind,
  type RegistrySnapshotState,
} from '../domain';
import { REGISTRY_ROWS, type RegistryRows } from '../registry-rows.port';
import { RegistrySnapshotNotFoundError } from '../oversight.errors';
import { REGISTRY_SNAPSHOT_COMMANDS, type RegistrySnapshotCommands } from './registry-commands';

export interface RegistrySnapshotSummary {
  snapshotId: string;
  kind: string;
  divisionCode: string;
  asOf: string;
  status: 'importing' | 'imported';
  file: { sha256: string; name: string; bytes: number; format: string; encoding?: string };
  uploadedBy: { id: string; role: string; division: string };
  importJobId: string;
  rows?: number;
  rejectedRows?: number;
  rejections?: { row: number; field: string; reason: string }[];
}

export interface RegistrySnapshotList {
  kind: RegistryKind;
  divisionCode: string;
  inForce: string | null;
  snapshots: {
    snapshotId: string;
    asOf: string;
    fileSha256: string;
    rows: number;
    inForce: boolean;
  }[];
}

@Injectable()
export class RegistryQueries {
  constructor(
    @Inject(REGISTRY_SNAPSHOT_COMMANDS) private readonly snapshots: RegistrySnapshotCommands,
    @Inject(REGISTRY_ROWS) private readonly rows: RegistryRows,
  ) {}

  /** The imported snapshots of a kind for one division, the one in force first. */
  async list(kind: RegistryKind, divisionCode: string): Promise<RegistrySnapshotList> {
    const imported = await this.rows.imported(kind, divisionCode);
    return {
      kind,
      divisionCode,
      inForce: imported[0]?.snapshotId ?? null,
      snapshots: imported.map((snapshot, i) => ({
        snapshotId: snapshot.snapshotId,
        asOf: snapshot.asOf,
        fileSha256: snapshot.fileSha256,
        rows: snapshot.rows,
        inForce: i === 0,
      })),
    };
  }

  async summary(snapshotId: string): Promise<RegistrySnapshotSummary> {
    const { state } = await this.snapshots.load(registrySnapshotStreamName(snapshotId));
    const view = snapshotSummary(state);
    if (view === undefined) throw new RegistrySnapshotNotFoundError(snapshotId);
    return view;
  }
}

export function snapshotSummary(state: RegistrySnapshotState): RegistrySnapshotSummary | undefined {
  const uploaded = state.uploaded;
  if (uploaded === undefined) return undefined;
  const imported = state.imported;
  return {
    snapshotId: uploaded.snapshotId,
    kind: uploaded.kind,
    divisionCode: uploaded.divisionCode,
    asOf: uploaded.asOf,
    status: imported === undefined ? 'importing' : 'imported',
    file: { ...uploaded.file },
    uploadedBy: { ...uploaded.uploadedBy },
    importJobId: uploaded.importJobId,
    ...(imported === undefined
      ? {}
      : {
          rows: imported.rows,
          rejectedRows: imported.rejectedRows,
          rejections: imported.rejections.map((rejection) => ({ ...rejection })),
        }),
  };
}
