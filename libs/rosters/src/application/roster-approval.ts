import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import {
  appendBatchEventsMax,
  ClaimTakenError,
  commandMetadata,
  deterministicUuid,
  EVENT_STORE,
  type CommandIds,
  type EventStore,
} from '@sunlight/event-store';
import {
  poolStreamName,
  rosterRequestsPerCommandMax,
  TransferIdTakenError,
  type RequestRosterDisbursements,
  type ReserveRosterBatch,
  type RosterDisbursementRequest,
} from '@sunlight/funds';
import { POOL_COMMANDS, type PoolCommands } from '@sunlight/funds/funds-application.module';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import type { Actor } from '@sunlight/kernel';
import {
  rosterDecider,
  RosterStateError,
  rosterStreamName,
  type ApproveRoster,
  type RosterEntryAccepted,
  type RosterUploaded,
} from '../domain';
import { ROSTER_FINDINGS, type RosterFindings } from '../roster-checker.port';
import { formatYuanFen } from '../roster-summary';
import { rosterEventOf } from '../stored-events';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';

/** The queue of approval jobs: each turns an approved roster's lines into disbursement requests. */
export const rosterApprovalsQueue = 'roster-approvals';

/**
 * Lines requested per append: as many as one append and one pool command take (1,000 each), so
 * a roster costs as few appends, commits and progress updates as it can. (500 until 2026-12-03;
 * a job taken up again after an upgrade still writes each line once: lines already requested
 * are skipped whatever batch they come in.)
 */
export const rosterRequestsPerBatch = Math.min(appendBatchEventsMax, rosterRequestsPerCommandMax);

export interface ApproveRosterJob {
  rosterId: string;
}

export interface RosterApprovalAccepted {
  rosterId: string;
  jobId: string;
  accepted: number;
  total: string;
}

export interface RosterApprovalResult {
  rosterId: string;
  requested: number;
  totalFen: string;
}

/** One approval job per roster: its id follows from the roster's, so approving again finds it. */
export function rosterApprovalJobId(rosterId: string): string {
  return `${rosterApprovalsQueue}.${deterministicUuid(`roster-approval/${rosterId}`)}`;
}

/** The transfer id of a roster line's disbursement. */
export function rosterLineTransferId(rosterId: string, row: number): string {
  return `${rosterId}-${row}`;
}

/**
 * Approval of a parsed roster (maker-checker: never by its uploader), all or nothing. In the
 * request: the roster's whole total is reserved on the fund's pool at the roster's division in
 * one event (`RosterBatchReserved`, refused with 409 when the pool cannot cover it, nothing
 * written), then `RosterApproved` names the approver and the job, then the job is submitted. The
 * job requests every accepted line as a `DisbursementRequested` drawing on that reservation,
 * 1,000 an append, each batch with a command id from its first row; the pool decider skips lines
 * already requested, so a job taken up again after a crash writes exactly the same events.
 * A checked roster's lines still flagged (a finding not dismissed, read through ROSTER_FINDINGS
 * from the findings' streams) need a reason or their exclusion; RosterApproved records them.
 *
 * Between the reservation and `RosterApproved` the process can die (or the second append fail):
 * the pool then holds the roster's total for a roster still parsed. Every way on is safe:
 * - the same approval repeated finishes it: the reservation (command id `<rosterId>/reserve`,
 *   same content) is a repeat writing nothing, then `RosterApproved` and the job, exactly once;
 * - rejecting the roster gives the money back (`RosterBatchReleased`, see RosterCommandsService);
 * - an approval with another decision (other excluded rows, so another count or total) is refused
 *   with 409 FUNDS.ROSTER_BATCH_CONFLICT naming what is reserved, nothing written. A batch is not
 *   released and reserved anew under the same id (its transfer id and claim are the roster's for
 *   good, and the job draws on the batch by that id), so the approver either repeats the decision
 *   that reserved it or rejects the roster (which releases it) and has it uploaded again.
 * An approval after such a release is refused (409 FUNDS.ROSTER_BATCH_RELEASED).
 */
@Injectable()
export class RosterApproval implements OnModuleInit {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ROSTER_FINDINGS) private readonly findings?: RosterFindings,
  ) {}

  onModuleInit(): void {
    this.jobs.define<ApproveRosterJob, RosterApprovalResult>(rosterApprovalsQueue, {
      processor: (run) => this.run(run),
      attempts: 3,
    });
  }

  async approve(
    rosterId: string,
    actor: Actor,
    occurredAt: string,
    ids: CommandIds,
    decision: { reason?: string; excludedRows?: readonly number[] } = {},
  ): Promise<{ accepted: RosterApprovalAccepted; replayed: boolean }> {
    const streamName = rosterStreamName(rosterId);
    const jobId = rosterApprovalJobId(rosterId);
    const { state } = await this.rosters.load(streamName);
    // The check fixed which lines were flagged; which of them still are depends on what the
    // commissions have decided since, read now (an app without oversight: all of them).
    const flagged = state.status === 'parsed' ? (state.check?.flagged ?? []) : [];
    const stillFlaggedRows =
      this.findings === undefined || flagged.length === 0
        ? undefined
        : await this.findings.rowsStillFlagged(flagged);
    const command: ApproveRoster = {
      type: 'ApproveRoster',
      rosterId,
      disbursementJobId: jobId,
      ...(decision.reason === undefined ? {} : { reason: decision.reason }),
      ...(decision.excludedRows === undefined ? {} : { excludedRows: decision.excludedRows }),
      ...(stillFlaggedRows === undefined ? {} : { stillFlaggedRows }),
      actor,
      occurredAt,
    };
    // Decided first without writing: the uploader, a roster not parsed or with nothing to pay
    // are refused before any money is reserved.
    const decided = rosterDecider.decide(command, state);
    const uploaded = state.uploaded;
    if (uploaded === undefined)
      throw new RosterStateError(rosterId, state.status, `No roster ${rosterId}`);
    const approved = decided.find((event) => event.type === 'RosterApproved');
    // What is paid: the accepted lines less those excluded (as decided now, or before).
    const count = approved?.data.accepted ?? state.approvedCount ?? state.accepted;
    const totalFen =
      approved === undefined
        ? (state.approvedTotalFen ?? state.totalFen)
        : BigInt(approved.data.totalFen);
    if (approved !== undefined) {
      await this.reserve(uploaded, count, totalFen, actor, occurredAt, ids);
      await this.rosters.handle(streamName, command, commandMetadata(command, ids));
    }
    await this.jobs.submit(rosterApprovalsQueue, 'roster-approve', { rosterId }, actor, jobId);
    return {
      accepted: { rosterId, jobId, accepted: count, total: formatYuanFen(totalFen) },
      replayed: decided.length === 0,
    };
  }

  private async reserve(
    uploaded: RosterUploaded['data'],
    entryCount: number,
    totalFen: bigint,
    actor: Actor,
    occurredAt: string,
    ids: CommandIds,
  ): Promise<void> {
    const reserve: ReserveRosterBatch = {
      type: 'ReserveRosterBatch',
      fundId: uploaded.fundId,
      divisionCode: uploaded.divisionCode,
      transferId: uploaded.rosterId,
      rosterId: uploaded.rosterId,
      fileSha256: uploaded.fileSha256,
      entryCount,
      amountFen: totalFen,
      actor,
      occurredAt,
    };
    try {
      await this.pools.handle(
        poolStreamName(uploaded.fundId, uploaded.divisionCode),
        reserve,
        commandMetadata(reserve, {
          commandId: `${uploaded.rosterId}/reserve`,
          correlationId: ids.correlationId,
        }),
      );
    } catch (error) {
      if (error instanceof ClaimTakenError) {
        throw new TransferIdTakenError(uploaded.rosterId, error.heldBy);
      }
      throw error;
    }
  }

  async run(run: JobRun<ApproveRosterJob>): Promise<RosterApprovalResult> {
    const { rosterId } = run.data;
    const { state } = await this.rosters.load(rosterStreamName(rosterId));
    const uploaded = state.uploaded;
    const approvedBy = state.approvedBy;
    if (uploaded === undefined || state.status !== 'approved' || approvedBy === undefined) {
      throw new Error(`roster ${rosterId} is not approved (${state.status})`);
    }
    const poolStream = poolStreamName(uploaded.fundId, uploaded.divisionCode);
    const total = state.approvedCount ?? state.accepted;
    const excluded = new Set(state.excludedRows ?? []);
    await run.progress(0, total);
    let batch: RosterDisbursementRequest[] = [];
    let done = 0;
    const flush = async () => {
      const first = batch[0];
      if (first === undefined) return;
      const command: RequestRosterDisbursements = {
        type: 'RequestRosterDisbursements',
        fundId: uploaded.fundId,
        divisionCode: uploaded.divisionCode,
        transferId: rosterId,
        requests: batch,
        actor: approvedBy,
        occurredAt: new Date().toISOString(),
      };
      const commandId = `${rosterId}/requests/${first.rosterEntry.row}`;
      try {
        await this.pools.handle(
          poolStream,
          command,
          commandMetadata(command, { commandId, correlationId: run.id }),
        );
      } catch (error) {
        if (error instanceof ClaimTakenError) {
          throw new TransferIdTakenError(error.key.replace(/^transfer:/, ''), error.heldBy);
        }
        throw error;
      }
      done += batch.length;
      batch = [];
      await run.progress(done, total);
    };
    for await (const entry of this.acceptedEntries(rosterId)) {
      // An excluded line had findings and the approver chose not to pay it.
      if (excluded.has(entry.row)) continue;
      batch.push({
        transferId: rosterLineTransferId(rosterId, entry.row),
        beneficiary: {
          kind: 'person',
          id: entry.idNumber,
          name: entry.name,
          idNumber: entry.idNumber,
          bankAccount: entry.bankAccount,
        },
        amountFen: BigInt(entry.amountFen),
        rosterEntry: {
          rosterId,
          row: entry.row,
          fileSha256: uploaded.fileSha256,
          uploadedBy: uploaded.uploadedBy.id,
          approvedBy: approvedBy.id,
        },
        purpose: uploaded.purpose,
      });
      if (batch.length >= rosterRequestsPerBatch) {
        await flush();
      }
    }
    await flush();
    return {
      rosterId,
      requested: done,
      totalFen: (state.approvedTotalFen ?? state.totalFen).toString(),
    };
  }

  /** The roster's accepted lines in row order, read from its stream. */
  private async *acceptedEntries(rosterId: string): AsyncGenerator<RosterEntryAccepted['data']> {
    for await (const recorded of this.store.readStream(rosterStreamName(rosterId), {
      fromRevision: 1n,
    })) {
      const event = rosterEventOf(recorded);
      if (event?.type === 'RosterEntryAccepted') yield event.data;
      if (event?.type === 'RosterParsed') return;
    }
  }
}
