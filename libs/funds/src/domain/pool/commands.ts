import type { CommandContext } from '@sunlight/kernel';

/** The commands of a pool (stream `pool-<fundId>.<divisionCode>`). */

export const beneficiaryKinds = ['household', 'person', 'project'] as const;
export type BeneficiaryKind = (typeof beneficiaryKinds)[number];

export interface Beneficiary {
  readonly kind: BeneficiaryKind;
  readonly id: string;
  readonly name: string;
  readonly idNumber?: string;
  readonly bankAccount?: string;
}

export interface PoolCommandBase extends CommandContext {
  readonly fundId: string;
  readonly divisionCode: string;
  /** Client-chosen and idempotent: the same id with the same content is a repeat, not a new transfer. */
  readonly transferId: string;
}

export interface AppropriateFunds extends PoolCommandBase {
  readonly type: 'AppropriateFunds';
  readonly amountFen: bigint;
}

export interface SendAllocation extends PoolCommandBase {
  readonly type: 'SendAllocation';
  readonly toDivisionCode: string;
  readonly amountFen: bigint;
  /** Resolved by the application from the division registry, so the decider stays pure. */
  readonly targetIsDirectChild: boolean;
}

/** Written by the relay processor from the parent's `AllocationSent`, with the same transferId. */
export interface ReceiveAllocation extends PoolCommandBase {
  readonly type: 'ReceiveAllocation';
  readonly fromDivisionCode: string;
  readonly amountFen: bigint;
}

export interface RequestDisbursement extends PoolCommandBase {
  readonly type: 'RequestDisbursement';
  readonly beneficiary: Beneficiary;
  readonly amountFen: bigint;
  /** The transferId of the allocation received (or appropriation) this money came from. */
  readonly allocationRef?: string;
  /** The 花名册 roster entry this disbursement was generated from, if any. */
  readonly rosterEntryRef?: string;
  readonly purpose?: string;
}

/** `transferId` names the disbursement being decided. */
export interface ApproveDisbursement extends PoolCommandBase {
  readonly type: 'ApproveDisbursement';
}

export interface RejectDisbursement extends PoolCommandBase {
  readonly type: 'RejectDisbursement';
  readonly reason: string;
}

export type SettlementOutcome = 'paid' | 'failed';
export const settlementOutcomes: readonly SettlementOutcome[] = ['paid', 'failed'];

export interface SettleDisbursement extends PoolCommandBase {
  readonly type: 'SettleDisbursement';
  readonly outcome: SettlementOutcome;
  /** Required when paid. */
  readonly bankReference?: string;
  /** Required when failed. */
  readonly failureReason?: string;
}

/**
 * Reverses a paid disbursement whose money the bank returned; `transferId` is the new reversal's
 * own id. Only disbursements are reversed in a pool: an allocation, once sent, belongs to the
 * child, and reversing `AllocationSent` here would credit the parent while the child still holds
 * the money. Money going back up is the child sending it, a movement on the child's stream.
 */
export interface ReverseTransfer extends PoolCommandBase {
  readonly type: 'ReverseTransfer';
  readonly originalTransferId: string;
  readonly reason: string;
}

/** 追回: part or all of a paid disbursement clawed back from the beneficiary. */
export interface RecoverFunds extends PoolCommandBase {
  readonly type: 'RecoverFunds';
  readonly originalTransferId: string;
  readonly amountFen: bigint;
  readonly reason: string;
}

/**
 * Where a disbursement generated from a roster (花名册) came from: the roster, its line, the exact
 * file (SHA-256) and the two people who uploaded and approved it, so a payment traces back to
 * its row without another read.
 */
export interface RosterEntryRef {
  readonly rosterId: string;
  readonly row: number;
  readonly fileSha256: string;
  readonly uploadedBy: string;
  readonly approvedBy: string;
}

/**
 * Reserves a roster's whole total in one event before any of its lines is requested, so a
 * roster too large for one append is still all or nothing: either the pool covers the total and
 * every line draws on the reservation, or nothing is written. `transferId` is the batch's own id
 * (the roster id).
 */
export interface ReserveRosterBatch extends PoolCommandBase {
  readonly type: 'ReserveRosterBatch';
  readonly rosterId: string;
  readonly fileSha256: string;
  readonly entryCount: number;
  readonly amountFen: bigint;
}

/**
 * Gives back the whole of a roster batch none of whose lines was requested: the reservation of a
 * roster whose approval did not finish (the process died, or `RosterApproved` failed, after
 * `RosterBatchReserved`) and which is then rejected. `transferId` is the batch's id (the roster
 * id); `fileSha256` is the roster's file, which with what the batch still holds must give back the
 * reservation's own content, so a batch some of whose lines were requested is never released.
 */
export interface ReleaseRosterBatch extends PoolCommandBase {
  readonly type: 'ReleaseRosterBatch';
  readonly rosterId: string;
  readonly fileSha256: string;
  readonly reason: string;
}

/** One line of a roster batch: a disbursement request drawing on the batch's reservation. */
export interface RosterDisbursementRequest {
  readonly transferId: string;
  readonly beneficiary: Beneficiary;
  readonly amountFen: bigint;
  readonly rosterEntry: RosterEntryRef;
  readonly purpose?: string;
}

/**
 * Requests a run of a reserved batch's lines (at most `rosterRequestsPerCommandMax`);
 * `transferId` names the batch. Lines already requested are repeats and write nothing, so a run
 * repeated after a crash writes each line once.
 */
export interface RequestRosterDisbursements extends PoolCommandBase {
  readonly type: 'RequestRosterDisbursements';
  readonly requests: readonly RosterDisbursementRequest[];
}

/** The store takes at most 1,000 events per append. */
export const rosterRequestsPerCommandMax = 1_000;

export type PoolCommand =
  | AppropriateFunds
  | SendAllocation
  | ReceiveAllocation
  | RequestDisbursement
  | ApproveDisbursement
  | RejectDisbursement
  | SettleDisbursement
  | ReverseTransfer
  | RecoverFunds
  | ReserveRosterBatch
  | ReleaseRosterBatch
  | RequestRosterDisbursements;
