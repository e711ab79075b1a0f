import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import { commandMetadata, deterministicUuid } from '@sunlight/event-store';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import {
  readRegistryLine,
  registrySnapshotStreamName,
  rejectionsRecordedMax,
  type RegistryLineRejection,
  type RegistryRow,
  type RegistrySnapshotUploaded,
} from '../domain';
import { REGISTRY_ROWS, type RegistryRows } from '../registry-rows.port';
import { REGISTRY_SNAPSHOT_COMMANDS, type RegistrySnapshotCommands } from './registry-commands';
import { registryRecords } from './registry-files';

export const registriesQueue = 'registries';

export interface ImportRegistryJob {
  snapshotId: string;
}

export interface RegistryImportResult {
  snapshotId: string;
  rows: number;
  rejectedRows: number;
}

/** Rows written per INSERT. */
const rowsPerBatch = 1_000;

/**
 * Reads a stored registry file and keeps its rows for matching, then records the counts on the
 * snapshot's stream. Rows are keyed by snapshot and row and inserted with ON CONFLICT DO NOTHING,
 * and the closing event's command id derives from the snapshot, so a job taken up again after
 * its worker died adds no row twice and records the import once, with the clean run's counts.
 */
@Injectable()
export class RegistryImportJob implements OnModuleInit {
  constructor(
    @Inject(REGISTRY_SNAPSHOT_COMMANDS) private readonly snapshots: RegistrySnapshotCommands,
    @Inject(REGISTRY_ROWS) private readonly rows: RegistryRows,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
  ) {}

  onModuleInit(): void {
    this.jobs.define<ImportRegistryJob, RegistryImportResult>(registriesQueue, {
      processor: (run) => this.run(run),
      attempts: 3,
    });
  }

  async run(run: JobRun<ImportRegistryJob>): Promise<RegistryImportResult> {
    const { snapshotId } = run.data;
    const streamName = registrySnapshotStreamName(snapshotId);
    const { state } = await this.snapshots.load(streamName);
    const uploaded = state.uploaded;
    if (uploaded === undefined) throw new Error(`no registry snapshot ${snapshotId} to import`);
    if (state.imported !== undefined) {
      // Taken up again after the import was recorded: make sure it is in force too.
      await this.recordImported(uploaded, state.imported.rows);
      return { snapshotId, rows: state.imported.rows, rejectedRows: state.imported.rejectedRows };
    }
    const source = { snapshotSha256: uploaded.file.sha256, asOf: uploaded.asOf };
    let batch: RegistryRow[] = [];
    let rows = 0;
    let lines = 0;
    const rejections: RegistryLineRejection[] = [];
    let rejectedRows = 0;
    for await (const { header, dataRow, record } of registryRecords(
      this.blobs,
      uploaded.kind,
      uploaded.file,
    )) {
      lines += 1;
      const line =
        'cells' in record
          ? readRegistryLine(uploaded.kind, header, record.cells, { ...source, row: dataRow })
          : {
              ok: false as const,
              rejection: { row: dataRow, field: '(line)', reason: record.unreadable },
            };
      if (line.ok) {
        batch.push(line.row);
        rows += 1;
      } else {
        rejectedRows += 1;
        if (rejections.length < rejectionsRecordedMax) rejections.push(line.rejection);
      }
      if (batch.length >= rowsPerBatch) {
        await this.rows.add(snapshotId, batch);
        batch = [];
        // The total is unknown while streaming: progress counts lines, done when recorded.
        await run.progress(lines, lines + 1);
      }
    }
    await this.rows.add(snapshotId, batch);
    const commandId = deterministicUuid(`registry-import:${snapshotId}`);
    const command = {
      type: 'RecordRegistryImport' as const,
      rows,
      rejectedRows,
      rejections,
      actor: uploaded.uploadedBy,
      occurredAt: new Date().toISOString(),
    };
    await this.snapshots.handle(
      streamName,
      command,
      commandMetadata(command, { commandId, correlationId: commandId }),
    );
    await this.recordImported(uploaded, rows);
    await run.progress(lines, lines);
    return { snapshotId, rows, rejectedRows };
  }

  /** After the event: a snapshot is in force for new checks only once its import is in the log. */
  private recordImported(uploaded: RegistrySnapshotUploaded['data'], rows: number): Promise<void> {
    return this.rows.recordImported({
      snapshotId: uploaded.snapshotId,
      kind: uploaded.kind,
      divisionCode: uploaded.divisionCode,
      asOf: uploaded.asOf,
      fileSha256: uploaded.file.sha256,
      rows,
    });
  }
}
