import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { assertWithinJurisdiction } from '@sunlight/auth';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import { ClaimTakenError, commandMetadata, type CommandIds } from '@sunlight/event-store';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { JOB_QUEUES, type JobQueues } from '@sunlight/jobs';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { parseRosterDate } from '@sunlight/rosters';
import { registrySnapshotStreamName, type RegistryKind } from '../domain';
import { DuplicateRegistryFileError } from '../oversight.errors';
import { REGISTRY_SNAPSHOT_COMMANDS, type RegistrySnapshotCommands } from './registry-commands';
import { inspectRegistryFile } from './registry-files';
import { registriesQueue, type ImportRegistryJob } from './registry-import.job';

export const registryUploadFields = ['file', 'asOf', 'divisionCode'] as const;

export interface RegistryUploadAccepted {
  snapshotId: string;
  jobId: string;
  fileSha256: string;
  bytes: number;
  format: 'csv' | 'xlsx';
}

/**
 * A registry snapshot upload, once the file is in the blob store: the form checked (the division
 * inside the caller's jurisdiction, asOf a real day not in the future), the file sniffed and its
 * header row matched, RegistrySnapshotUploaded recorded (claiming the file for its kind and
 * division, so the same copy is not imported twice), then the import job submitted.
 */
@Injectable()
export class RegistryUpload {
  constructor(
    @Inject(REGISTRY_SNAPSHOT_COMMANDS) private readonly snapshots: RegistrySnapshotCommands,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  /**
   * The checks a request must pass before its file is kept: a known division inside the
   * caller's jurisdiction. Returns the division.
   */
  admit(form: Record<string, string>, actor: Actor): string {
    const divisionCode = form.divisionCode;
    if (divisionCode === undefined || divisionCode === '')
      throw new RequestFieldError('divisionCode', 'is required');
    requireKnownDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return divisionCode;
  }

  async upload(input: {
    kind: RegistryKind;
    form: Record<string, string>;
    file: { sha256: string; bytes: number; name: string };
    actor: Actor;
    ids: CommandIds;
    today: string;
  }): Promise<RegistryUploadAccepted> {
    const { kind, form, actor } = input;
    const divisionCode = this.admit(form, actor);
    const asOfText = form.asOf;
    if (asOfText === undefined || asOfText === '')
      throw new RequestFieldError('asOf', 'is required');
    const asOf = parseRosterDate(asOfText);
    if (!asOf.ok) throw new RequestFieldError('asOf', asOf.reason);
    if (asOf.value > input.today) throw new RequestFieldError('asOf', 'must not be in the future');
    const file = await inspectRegistryFile(this.blobs, kind, input.file);
    const snapshotId = `rg-${kind}-${divisionCode}-${randomBytes(6).toString('hex')}`;
    const importJobId = this.jobs.newJobId(registriesQueue);
    const command = {
      type: 'UploadRegistrySnapshot' as const,
      snapshotId,
      kind,
      divisionCode,
      asOf: asOf.value,
      file,
      importJobId,
      actor,
      occurredAt: new Date().toISOString(),
    };
    try {
      await this.snapshots.handle(
        registrySnapshotStreamName(snapshotId),
        command,
        commandMetadata(command, input.ids),
      );
    } catch (error) {
      if (error instanceof ClaimTakenError && error.key.startsWith('registry-file:')) {
        // The holder lies in the same division as this upload, inside the caller's jurisdiction.
        throw new DuplicateRegistryFileError(error.heldBy.replace(/^registry-/, ''));
      }
      throw error;
    }
    const payload: ImportRegistryJob = { snapshotId };
    await this.jobs.submit(registriesQueue, 'registry-import', payload, actor, importJobId);
    return {
      snapshotId,
      jobId: importJobId,
      fileSha256: file.sha256,
      bytes: file.bytes,
      format: file.format,
    };
  }
}
