import { evolveWith, type Actor, type CommandContext, type Decider } from '@sunlight/kernel';
import { registryKinds, type RegistryKind } from './registries';
import type { RegistryLineRejection } from './registry-lines';
import { OversightStateError } from '../oversight.errors';

/*
 * One imported copy of another department's registry (stream `registry-<snapshotId>`): the file
 * as uploaded, then what its import found. The rows themselves are derived data kept beside the
 * log for matching (registry_rows); the file's SHA-256 here is what they can be checked against.
 */

export const registrySnapshotCategory = 'registry';

/** `rg-<kind>-<division code>-<12 hex digits>`. */
export const registrySnapshotIdPattern = new RegExp(
  `^rg-(${registryKinds.join('|')})-(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})-([0-9a-f]{12})$`,
);

export function registrySnapshotStreamName(snapshotId: string): string {
  return `${registrySnapshotCategory}-${snapshotId}`;
}

/** The division a snapshot id names (its first check is the jurisdiction, before any read). */
export function divisionOfSnapshotId(snapshotId: string): string | undefined {
  return registrySnapshotIdPattern.exec(snapshotId)?.[2];
}

export interface RegistryFile {
  readonly sha256: string;
  readonly name: string;
  readonly bytes: number;
  readonly format: 'csv' | 'xlsx';
  readonly encoding?: 'utf-8' | 'gb18030';
}

export interface RegistrySnapshotUploaded {
  readonly type: 'RegistrySnapshotUploaded';
  readonly data: {
    readonly snapshotId: string;
    readonly kind: RegistryKind;
    /** The area the copy covers: checks of lines inside it may use it. */
    readonly divisionCode: string;
    /** The day the department's copy describes. */
    readonly asOf: string;
    readonly file: RegistryFile;
    readonly uploadedBy: Actor;
    readonly importJobId: string;
  };
}

export interface RegistrySnapshotImported {
  readonly type: 'RegistrySnapshotImported';
  readonly data: {
    readonly snapshotId: string;
    readonly kind: RegistryKind;
    readonly asOf: string;
    readonly fileSha256: string;
    readonly rows: number;
    readonly rejectedRows: number;
    /** The first rejections (row, field, reason), so the department can correct its file. */
    readonly rejections: readonly RegistryLineRejection[];
  };
}

export type RegistrySnapshotEvent = RegistrySnapshotUploaded | RegistrySnapshotImported;
export const registrySnapshotEventTypes = [
  'RegistrySnapshotUploaded',
  'RegistrySnapshotImported',
] as const satisfies readonly RegistrySnapshotEvent['type'][];

/** Rejections kept in the event; the count says how many there were in all. */
export const rejectionsRecordedMax = 100;

export type UploadRegistrySnapshot = CommandContext & {
  readonly type: 'UploadRegistrySnapshot';
} & Omit<RegistrySnapshotUploaded['data'], 'uploadedBy'>;

export type RecordRegistryImport = CommandContext & {
  readonly type: 'RecordRegistryImport';
  readonly rows: number;
  readonly rejectedRows: number;
  readonly rejections: readonly RegistryLineRejection[];
};

export type RegistrySnapshotCommand = UploadRegistrySnapshot | RecordRegistryImport;

export interface RegistrySnapshotState {
  readonly uploaded?: RegistrySnapshotUploaded['data'];
  readonly imported?: RegistrySnapshotImported['data'];
}

export const registrySnapshotDecider: Decider<
  RegistrySnapshotState,
  RegistrySnapshotCommand,
  RegistrySnapshotEvent
> = {
  initialState: () => ({}),
  decide(command, state) {
    switch (command.type) {
      case 'UploadRegistrySnapshot': {
        // The same upload again (a retried request) writes nothing; another one under this id cannot be.
        if (state.uploaded !== undefined) {
          if (state.uploaded.file.sha256 === command.file.sha256) return [];
          throw new OversightStateError(`registry snapshot ${command.snapshotId} exists already`);
        }
        const { type: _type, actor, occurredAt: _at, ...data } = command;
        return [{ type: 'RegistrySnapshotUploaded', data: { ...data, uploadedBy: actor } }];
      }
      case 'RecordRegistryImport': {
        const uploaded = state.uploaded;
        if (uploaded === undefined)
          throw new OversightStateError('no registry snapshot to record an import for');
        if (state.imported !== undefined) return [];
        return [
          {
            type: 'RegistrySnapshotImported',
            data: {
              snapshotId: uploaded.snapshotId,
              kind: uploaded.kind,
              asOf: uploaded.asOf,
              fileSha256: uploaded.file.sha256,
              rows: command.rows,
              rejectedRows: command.rejectedRows,
              rejections: command.rejections.slice(0, rejectionsRecordedMax),
            },
          },
        ];
      }
    }
  },
  evolve: evolveWith<RegistrySnapshotState, RegistrySnapshotEvent>(
    {
      RegistrySnapshotUploaded: (state, event) => ({ ...state, uploaded: event.data }),
      RegistrySnapshotImported: (state, event) => ({ ...state, imported: event.data }),
    },
    'registry snapshot',
  ),
};
