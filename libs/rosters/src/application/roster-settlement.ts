import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import { commandMetadata, deterministicUuid, type CommandIds } from '@sunlight/event-store';
import { poolStreamName, type SettleDisbursement } from '@sunlight/funds';
import { POOL_COMMANDS, type PoolCommands } from '@sunlight/funds/funds-application.module';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import { isAppError, type Actor } from '@sunlight/kernel';
import {
  checkSettlementLine,
  mapSettlementHeader,
  RosterFileError,
  RosterStateError,
  rosterStreamName,
  type RecordSettlementFile,
  type RosterFile,
  type SettlementField,
} from '../domain';
import {
  checkZipDirectory,
  detectCsvEncoding,
  openStoredRecords,
  sniffBytes,
  sniffRosterFormat,
} from '../parsing';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';

/** The queue of settlement jobs: each applies one bank settlement file to a roster's payments. */
export const rosterSettlementsQueue = 'roster-settlements';

export interface SettleRosterJob {
  rosterId: string;
  fileSha256: string;
}

/** A line of the file that settled nothing, and why. */
export interface SettlementProblem {
  row: number;
  field: string;
  reason: string;
}

export interface RosterSettlementResult {
  rosterId: string;
  fileSha256: string;
  lines: number;
  paid: number;
  failed: number;
  /** Lines whose outcome was already recorded (the same file again, or a retried job). */
  unchanged: number;
  problemCount: number;
  /** The first `settlementProblemsShownMax` problems, in row order. */
  problems: SettlementProblem[];
}

export interface RosterSettlementAccepted {
  rosterId: string;
  jobId: string;
  fileSha256: string;
  bytes: number;
  format: string;
}

export const settlementProblemsShownMax = 1_000;
const zipTailBytes = 4 * 1024 * 1024;

/** One job per roster and file: the same file uploaded again answers the same job. */
export function rosterSettlementJobId(rosterId: string, fileSha256: string): string {
  return `${rosterSettlementsQueue}.${deterministicUuid(`roster-settlement/${rosterId}/${fileSha256}`)}`;
}

/**
 * A bank's settlement file (docs/formats.md) for an approved roster: kept in the blob store and
 * recorded on the roster (`RosterSettlementFileReceived`), then a job settles or fails each
 * line's payment through the pool's own SettleDisbursement rule. A line that cannot be applied
 * (not a payment of this roster, not approved yet, a different outcome already recorded …) is
 * reported with its row and touches nothing; the others are applied. Each line's command id
 * follows from the file and row, and a settled payment repeated is a no-op, so a retried job
 * or the same file again changes nothing twice.
 */
@Injectable()
export class RosterSettlement implements OnModuleInit {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
  ) {}

  onModuleInit(): void {
    this.jobs.define<SettleRosterJob, RosterSettlementResult>(rosterSettlementsQueue, {
      processor: (run) => this.run(run),
      attempts: 3,
    });
  }

  async accept(input: {
    rosterId: string;
    stored: { sha256: string; bytes: number; name: string };
    actor: Actor;
    occurredAt: string;
    ids: CommandIds;
  }): Promise<RosterSettlementAccepted> {
    const { rosterId, actor } = input;
    const file = await this.inspect(input.stored);
    const { state } = await this.rosters.load(rosterStreamName(rosterId));
    if (state.uploaded === undefined) {
      throw new RosterStateError(rosterId, state.status, `No roster ${rosterId}`);
    }
    const jobId = rosterSettlementJobId(rosterId, file.sha256);
    const command: RecordSettlementFile = {
      type: 'RecordSettlementFile',
      rosterId,
      file,
      settlementJobId: jobId,
      actor,
      occurredAt: input.occurredAt,
    };
    await this.rosters.handle(
      rosterStreamName(rosterId),
      command,
      commandMetadata(command, input.ids),
    );
    const payload: SettleRosterJob = { rosterId, fileSha256: file.sha256 };
    await this.jobs.submit(rosterSettlementsQueue, 'roster-settle', payload, actor, jobId);
    return { rosterId, jobId, fileSha256: file.sha256, bytes: file.bytes, format: file.format };
  }

  /** What the file is (from its bytes) and whether its header is a settlement file's. */
  private async inspect(stored: {
    sha256: string;
    bytes: number;
    name: string;
  }): Promise<RosterFile> {
    const head = await this.blobs.read(stored.sha256, 0, sniffBytes);
    const format = sniffRosterFormat(head);
    if (format === 'xlsx')
      checkZipDirectory(await this.blobs.read(stored.sha256, -zipTailBytes, zipTailBytes));
    const encoding = format === 'csv' ? detectCsvEncoding(head) : undefined;
    const file: RosterFile = {
      sha256: stored.sha256,
      name: stored.name,
      bytes: stored.bytes,
      format,
      ...(encoding === undefined ? {} : { encoding }),
    };
    const records = await openStoredRecords(this.blobs, file);
    try {
      const first = await records.iterator.next();
      const header = first.done === true ? undefined : first.value;
      if (header === undefined) throw new RosterFileError('has no header row and no lines');
      if (!('cells' in header)) throw new RosterFileError(`header row ${header.unreadable}`);
      const mapped = mapSettlementHeader(header.cells);
      if ('problem' in mapped) throw new RosterFileError(mapped.problem as string);
    } catch (error) {
      if (isAppError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new RosterFileError(
        `cannot be read as ${format.toUpperCase()}: ${reason.slice(0, 200)}`,
      );
    } finally {
      records.close();
    }
    return file;
  }

  async run(run: JobRun<SettleRosterJob>): Promise<RosterSettlementResult> {
    const { rosterId, fileSha256 } = run.data;
    const loaded = await this.rosters.load(rosterStreamName(rosterId));
    const uploaded = loaded.state.uploaded;
    if (uploaded === undefined) throw new Error(`no roster ${rosterId}`);
    const received = await this.receivedFile(rosterId, fileSha256);
    const poolStream = poolStreamName(uploaded.fundId, uploaded.divisionCode);
    const result: RosterSettlementResult = {
      rosterId,
      fileSha256,
      lines: 0,
      paid: 0,
      failed: 0,
      unchanged: 0,
      problemCount: 0,
      problems: [],
    };
    const problem = (found: SettlementProblem) => {
      result.problemCount += 1;
      if (result.problems.length < settlementProblemsShownMax) result.problems.push(found);
    };
    const total = await this.countLines(received.file);
    await run.progress(0, total);
    const records = await openStoredRecords(this.blobs, received.file);
    try {
      let header: ReadonlyMap<number, SettlementField> | undefined;
      for await (const record of { [Symbol.asyncIterator]: () => records.iterator }) {
        if (header === undefined) {
          if (!('cells' in record))
            throw new Error(`settlement file ${fileSha256} lost its header`);
          const mapped = mapSettlementHeader(record.cells);
          if ('problem' in mapped)
            throw new Error(`settlement file ${fileSha256}: ${mapped.problem}`);
          header = mapped as ReadonlyMap<number, SettlementField>;
          continue;
        }
        result.lines += 1;
        if (!('cells' in record)) {
          problem({ row: record.row, field: 'row', reason: record.unreadable });
        } else {
          const cells: Partial<Record<SettlementField, string>> = {};
          for (const [index, field] of header) cells[field] = record.cells[index] ?? '';
          const line = checkSettlementLine(record.row, cells, rosterId);
          if (!line.ok) {
            problem({ row: line.row, field: line.field, reason: line.reason });
          } else {
            const command: SettleDisbursement = {
              type: 'SettleDisbursement',
              fundId: uploaded.fundId,
              divisionCode: uploaded.divisionCode,
              transferId: line.transferId,
              outcome: line.outcome,
              ...(line.outcome === 'paid'
                ? { bankReference: line.bankReference }
                : { failureReason: line.reason }),
              actor: received.uploadedBy,
              occurredAt: new Date().toISOString(),
            };
            const ids = {
              commandId: `${rosterId}/settlement/${fileSha256}/${line.row}`,
              correlationId: run.id,
            };
            try {
              const outcome = await this.pools.handle(
                poolStream,
                command,
                commandMetadata(command, ids, line.outcome === 'failed' ? line.reason : undefined),
              );
              if (outcome.events.length === 0) result.unchanged += 1;
              else if (line.outcome === 'paid') result.paid += 1;
              else result.failed += 1;
            } catch (error) {
              // A rule of the pool refused this line (no such payment, not approved yet, settled
              // otherwise before): reported, the other lines go on. Anything else is a crash.
              if (!isAppError(error)) throw error;
              problem({ row: line.row, field: 'transfer_id', reason: error.message });
            }
          }
        }
        if (result.lines % 100 === 0)
          await run.progress(result.lines, Math.max(total, result.lines));
      }
    } finally {
      records.close();
    }
    await run.progress(result.lines, Math.max(total, result.lines));
    return result;
  }

  /** The settlement file as the roster recorded it (who uploaded it acts for the bank). */
  private async receivedFile(
    rosterId: string,
    fileSha256: string,
  ): Promise<{ file: RosterFile; uploadedBy: Actor }> {
    const { state } = await this.rosters.load(rosterStreamName(rosterId));
    const received = state.settlementFiles.find((file) => file.fileSha256 === fileSha256);
    if (received === undefined) {
      throw new Error(`roster ${rosterId} never received settlement file ${fileSha256}`);
    }
    const file: RosterFile = {
      sha256: received.fileSha256,
      name: received.fileName,
      bytes: received.bytes,
      format: received.format,
      ...(received.encoding === 'gb18030' || received.encoding === 'utf-8'
        ? { encoding: received.encoding }
        : {}),
    };
    return { file, uploadedBy: received.uploadedBy };
  }

  private async countLines(file: RosterFile): Promise<number> {
    const records = await openStoredRecords(this.blobs, file);
    let count = -1;
    try {
      for await (const _record of { [Symbol.asyncIterator]: () => records.iterator }) count += 1;
    } finally {
      records.close();
    }
    return Math.max(0, count);
  }
}
