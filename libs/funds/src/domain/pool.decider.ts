import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from '@sunlight/event-store/decider';
import { type CommandContext, validateCommandContext } from './actor';
import { assertNever, invariant } from './assert';
import {
  InsufficientFundsError,
  InvalidCommandError,
  InvalidTransferStateError,
  NotADirectChildError,
  RecoveryExceedsOutstandingError,
  SelfApprovalError,
  TransferConflictError,
  TransferKindMismatchError,
  TransferNotFoundError,
} from './funds.errors';
import {
  divisionCodePattern,
  fundIdPattern,
  isDivisionAncestor,
  nameLengthMax,
  optionalText,
  reasonLengthMax,
  referenceLengthMax,
  requireOneOf,
  requirePattern,
  requireText,
  transferIdPattern,
} from './funds.validation';
import { assertAmountFen, fenFromString, fenToString } from './money';
import {
  emptyTransferBook,
  findTransfer,
  putTransfer,
  type TransferBook,
  transferBookOf,
  transferEntries,
} from './transfer-book';

/*
 * A pool is the account of one fund line at one division (stream `pool-<fundId>.<divisionCode>`).
 *
 * Accounting, asserted after every event:
 *   balance = received − sent − reserved − disbursed + reversed + recovered
 * received  appropriations and allocations received from the parent
 * sent      allocations sent to child divisions
 * reserved  disbursements requested and awaiting approval
 * disbursed disbursements approved, in payment or paid (a failed payment leaves this bucket)
 * reversed  paid disbursements the bank returned
 * recovered paid disbursements clawed back from the beneficiary (追回)
 * so reversed + recovered never exceeds disbursed, and the balance is what the pool can still spend.
 */

export const beneficiaryKinds = ['household', 'person', 'project'] as const;
export type BeneficiaryKind = (typeof beneficiaryKinds)[number];

export interface Beneficiary {
  readonly kind: BeneficiaryKind;
  readonly id: string;
  readonly name: string;
  readonly idNumber?: string;
  readonly bankAccount?: string;
}

const beneficiaryIdNumberPattern = /^[0-9A-Za-z]{1,32}$/;
const bankAccountPattern = /^[0-9A-Za-z -]{1,64}$/;
const purposeLengthMax = 500;

// ---------------------------------------------------------------------------------------------
// Commands

interface PoolCommandBase extends CommandContext {
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
const settlementOutcomes: readonly SettlementOutcome[] = ['paid', 'failed'];

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

export type PoolCommand =
  | AppropriateFunds
  | SendAllocation
  | ReceiveAllocation
  | RequestDisbursement
  | ApproveDisbursement
  | RejectDisbursement
  | SettleDisbursement
  | ReverseTransfer
  | RecoverFunds;

// ---------------------------------------------------------------------------------------------
// Events. Every one names its pool and transfer, so projections and the relay need not parse
// stream names; amounts are digit strings. Who acted lives in the envelope metadata, except the
// people maker-checker is about, who are part of the fact itself.

interface PoolEventBase {
  readonly transferId: string;
  readonly fundId: string;
  readonly divisionCode: string;
}

export type FundsAppropriated = DomainEvent<
  'FundsAppropriated',
  PoolEventBase & { readonly amountFen: string }
>;

export type AllocationSent = DomainEvent<
  'AllocationSent',
  PoolEventBase & { readonly toDivisionCode: string; readonly amountFen: string }
>;

export type AllocationReceived = DomainEvent<
  'AllocationReceived',
  PoolEventBase & { readonly fromDivisionCode: string; readonly amountFen: string }
>;

export type DisbursementRequested = DomainEvent<
  'DisbursementRequested',
  PoolEventBase & {
    readonly beneficiary: Beneficiary;
    readonly amountFen: string;
    readonly allocationRef?: string;
    readonly rosterEntryRef?: string;
    readonly purpose?: string;
    readonly requestedBy: string;
  }
>;

export type DisbursementApproved = DomainEvent<
  'DisbursementApproved',
  PoolEventBase & {
    readonly amountFen: string;
    readonly requestedBy: string;
    readonly approvedBy: string;
  }
>;

export type DisbursementRejected = DomainEvent<
  'DisbursementRejected',
  PoolEventBase & {
    readonly amountFen: string;
    readonly rejectedBy: string;
    readonly reason: string;
  }
>;

export type DisbursementPaid = DomainEvent<
  'DisbursementPaid',
  PoolEventBase & { readonly amountFen: string; readonly bankReference: string }
>;

export type DisbursementFailed = DomainEvent<
  'DisbursementFailed',
  PoolEventBase & { readonly amountFen: string; readonly reason: string }
>;

export type TransferReversed = DomainEvent<
  'TransferReversed',
  PoolEventBase & {
    readonly originalTransferId: string;
    readonly amountFen: string;
    readonly reason: string;
  }
>;

export type FundsRecovered = DomainEvent<
  'FundsRecovered',
  PoolEventBase & {
    readonly originalTransferId: string;
    readonly amountFen: string;
    readonly reason: string;
  }
>;

export type PoolEvent =
  | FundsAppropriated
  | AllocationSent
  | AllocationReceived
  | DisbursementRequested
  | DisbursementApproved
  | DisbursementRejected
  | DisbursementPaid
  | DisbursementFailed
  | TransferReversed
  | FundsRecovered;

export const poolEventTypes: readonly PoolEvent['type'][] = [
  'FundsAppropriated',
  'AllocationSent',
  'AllocationReceived',
  'DisbursementRequested',
  'DisbursementApproved',
  'DisbursementRejected',
  'DisbursementPaid',
  'DisbursementFailed',
  'TransferReversed',
  'FundsRecovered',
];

// ---------------------------------------------------------------------------------------------
// State

export type DisbursementStatus =
  'requested' | 'approved' | 'rejected' | 'paid' | 'failed' | 'reversed' | 'recovered';
export const disbursementStatuses: readonly DisbursementStatus[] = [
  'requested',
  'approved',
  'rejected',
  'paid',
  'failed',
  'reversed',
  'recovered',
];

/** Transfers that, once written, only ever matter again for idempotency. */
export type SettledTransferKind =
  'appropriation' | 'allocationSent' | 'allocationReceived' | 'reversal' | 'recovery';
export type TransferKind = SettledTransferKind | 'disbursement';
export const transferKinds: readonly TransferKind[] = [
  'appropriation',
  'allocationSent',
  'allocationReceived',
  'disbursement',
  'reversal',
  'recovery',
];

/**
 * Only what idempotency and later transitions need: the counterparty and the rest of the content
 * live in the event and are covered by the fingerprint.
 */
export type TransferEntry =
  | { readonly kind: SettledTransferKind; readonly fingerprint: string }
  | {
      readonly kind: 'disbursement';
      readonly fingerprint: string;
      readonly status: DisbursementStatus;
      readonly amountFen: bigint;
      /** Reversed or recovered so far; only a paid disbursement has any. */
      readonly returnedFen: bigint;
      /** Kept only while a decision is pending: it is what maker-checker compares against. */
      readonly requestedBy?: string;
      /**
       * The content of the final decision or settlement (reject reason, bank reference, failure
       * reason), so that a repeat with other content is a conflict rather than a silent replay.
       */
      readonly outcomeFingerprint?: string;
    };

type DisbursementEntry = Extract<TransferEntry, { kind: 'disbursement' }>;

export interface PoolState {
  /** Null until the first event: a pool has no identity before money arrives. */
  readonly fundId: string | null;
  readonly divisionCode: string | null;
  readonly balanceFen: bigint;
  readonly receivedFen: bigint;
  readonly sentFen: bigint;
  readonly reservedFen: bigint;
  readonly disbursedFen: bigint;
  readonly reversedFen: bigint;
  readonly recoveredFen: bigint;
  readonly pendingApprovalCount: number;
  readonly awaitingSettlementCount: number;
  readonly transfers: TransferBook<TransferEntry>;
}

export function initialPoolState(): PoolState {
  return {
    fundId: null,
    divisionCode: null,
    balanceFen: 0n,
    receivedFen: 0n,
    sentFen: 0n,
    reservedFen: 0n,
    disbursedFen: 0n,
    reversedFen: 0n,
    recoveredFen: 0n,
    pendingApprovalCount: 0,
    awaitingSettlementCount: 0,
    transfers: emptyTransferBook<TransferEntry>(),
  };
}

export function poolStreamName(fundId: string, divisionCode: string): string {
  requirePattern('fundId', fundId, fundIdPattern);
  requirePattern('divisionCode', divisionCode, divisionCodePattern);
  return `pool-${fundId}.${divisionCode}`;
}

export function parsePoolStreamName(
  streamName: string,
): { fundId: string; divisionCode: string } | undefined {
  const match = /^pool-([^.]+)\.([^.]+)$/.exec(streamName);
  if (match === null) return undefined;
  const [, fundId = '', divisionCode = ''] = match;
  if (!fundIdPattern.test(fundId) || !divisionCodePattern.test(divisionCode)) return undefined;
  return { fundId, divisionCode };
}

export interface PoolSummary {
  readonly balanceFen: bigint;
  readonly receivedFen: bigint;
  readonly sentFen: bigint;
  /** Requested disbursements awaiting approval. */
  readonly pendingFen: bigint;
  readonly disbursedFen: bigint;
  /** Reversed plus recovered. */
  readonly returnedFen: bigint;
  readonly pendingApprovalCount: number;
  readonly awaitingSettlementCount: number;
  readonly transferCount: number;
}

export function poolSummary(state: PoolState): PoolSummary {
  return {
    balanceFen: state.balanceFen,
    receivedFen: state.receivedFen,
    sentFen: state.sentFen,
    pendingFen: state.reservedFen,
    disbursedFen: state.disbursedFen,
    returnedFen: state.reversedFen + state.recoveredFen,
    pendingApprovalCount: state.pendingApprovalCount,
    awaitingSettlementCount: state.awaitingSettlementCount,
    transferCount: state.transfers.size,
  };
}

// ---------------------------------------------------------------------------------------------
// Fingerprints: the content of a new transfer, computed from fields that the command and the
// event both hold, so decide (from the command) and evolve (from the event, whatever key order
// storage gave it) agree. Time is left out on purpose: a retried request is stamped anew.

function fingerprint(kind: TransferKind, values: readonly (string | undefined)[]): string {
  const canonical = JSON.stringify([kind, ...values.map((value) => value ?? null)]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

const fingerprintOf = {
  appropriation: (d: { amountFen: string }) => fingerprint('appropriation', [d.amountFen]),
  allocationSent: (d: { toDivisionCode: string; amountFen: string }) =>
    fingerprint('allocationSent', [d.toDivisionCode, d.amountFen]),
  allocationReceived: (d: { fromDivisionCode: string; amountFen: string }) =>
    fingerprint('allocationReceived', [d.fromDivisionCode, d.amountFen]),
  disbursement: (d: DisbursementRequested['data']) =>
    fingerprint('disbursement', [
      d.beneficiary.kind,
      d.beneficiary.id,
      d.beneficiary.name,
      d.beneficiary.idNumber,
      d.beneficiary.bankAccount,
      d.amountFen,
      d.allocationRef,
      d.rosterEntryRef,
      d.purpose,
      d.requestedBy,
    ]),
  reversal: (d: { originalTransferId: string; reason: string }) =>
    fingerprint('reversal', [d.originalTransferId, d.reason]),
  recovery: (d: { originalTransferId: string; amountFen: string; reason: string }) =>
    fingerprint('recovery', [d.originalTransferId, d.amountFen, d.reason]),
};

const outcomeFingerprintOf = {
  rejected: (reason: string) => fingerprint('disbursement', ['rejected', reason]),
  paid: (bankReference: string) => fingerprint('disbursement', ['paid', bankReference]),
  failed: (reason: string) => fingerprint('disbursement', ['failed', reason]),
};

// ---------------------------------------------------------------------------------------------
// decide

export function decidePool(command: PoolCommand, state: PoolState): PoolEvent[] {
  validatePoolCommand(command, state);
  switch (command.type) {
    case 'AppropriateFunds':
      return appropriateFunds(command, state);
    case 'SendAllocation':
      return sendAllocation(command, state);
    case 'ReceiveAllocation':
      return receiveAllocation(command, state);
    case 'RequestDisbursement':
      return requestDisbursement(command, state);
    case 'ApproveDisbursement':
      return approveDisbursement(command, state);
    case 'RejectDisbursement':
      return rejectDisbursement(command, state);
    case 'SettleDisbursement':
      return settleDisbursement(command, state);
    case 'ReverseTransfer':
      return reverseTransfer(command, state);
    case 'RecoverFunds':
      return recoverFunds(command, state);
    default:
      return assertNever(command, 'pool command');
  }
}

function validatePoolCommand(command: PoolCommand, state: PoolState): void {
  validateCommandContext(command);
  requirePattern('fundId', command.fundId, fundIdPattern);
  requirePattern('divisionCode', command.divisionCode, divisionCodePattern);
  requirePattern('transferId', command.transferId, transferIdPattern);
  // The application chose the stream from these fields; a mismatch means it loaded the wrong one.
  if (
    state.fundId !== null &&
    (state.fundId !== command.fundId || state.divisionCode !== command.divisionCode)
  ) {
    throw new InvalidCommandError(
      'divisionCode',
      `command for pool ${command.fundId}.${command.divisionCode} sent to pool ${state.fundId}.${state.divisionCode}`,
    );
  }
}

function eventBase(command: PoolCommandBase): PoolEventBase {
  return {
    transferId: command.transferId,
    fundId: command.fundId,
    divisionCode: command.divisionCode,
  };
}

/** True for an exact repeat of a transfer already written; throws when the id is taken by other content. */
function isRepeat(
  state: PoolState,
  transferId: string,
  kind: TransferKind,
  contentFingerprint: string,
): boolean {
  const existing = findTransfer(state.transfers, transferId);
  if (existing === undefined) return false;
  if (existing.kind === kind && existing.fingerprint === contentFingerprint) return true;
  throw new TransferConflictError(transferId, existing.kind);
}

function requireCovered(state: PoolState, amountFen: bigint): void {
  if (state.balanceFen < amountFen) throw new InsufficientFundsError(state.balanceFen, amountFen);
}

function requireDisbursement(state: PoolState, transferId: string): DisbursementEntry {
  const entry = findTransfer(state.transfers, transferId);
  if (entry === undefined) throw new TransferNotFoundError(transferId);
  if (entry.kind !== 'disbursement')
    throw new TransferKindMismatchError(transferId, 'disbursement', entry.kind);
  return entry;
}

function appropriateFunds(command: AppropriateFunds, state: PoolState): PoolEvent[] {
  assertAmountFen(command.amountFen);
  const data = { ...eventBase(command), amountFen: fenToString(command.amountFen) };
  if (isRepeat(state, command.transferId, 'appropriation', fingerprintOf.appropriation(data)))
    return [];
  return [{ type: 'FundsAppropriated', data }];
}

function sendAllocation(command: SendAllocation, state: PoolState): PoolEvent[] {
  assertAmountFen(command.amountFen);
  requirePattern('toDivisionCode', command.toDivisionCode, divisionCodePattern);
  const data = {
    ...eventBase(command),
    toDivisionCode: command.toDivisionCode,
    amountFen: fenToString(command.amountFen),
  };
  if (isRepeat(state, command.transferId, 'allocationSent', fingerprintOf.allocationSent(data)))
    return [];
  // The prefix check backs up the registry's answer: a child's code always extends its parent's.
  if (
    command.targetIsDirectChild !== true ||
    !isDivisionAncestor(command.divisionCode, command.toDivisionCode)
  ) {
    throw new NotADirectChildError(command.divisionCode, command.toDivisionCode);
  }
  requireCovered(state, command.amountFen);
  return [{ type: 'AllocationSent', data }];
}

function receiveAllocation(command: ReceiveAllocation, state: PoolState): PoolEvent[] {
  assertAmountFen(command.amountFen);
  requirePattern('fromDivisionCode', command.fromDivisionCode, divisionCodePattern);
  const data = {
    ...eventBase(command),
    fromDivisionCode: command.fromDivisionCode,
    amountFen: fenToString(command.amountFen),
  };
  if (
    isRepeat(
      state,
      command.transferId,
      'allocationReceived',
      fingerprintOf.allocationReceived(data),
    )
  )
    return [];
  if (!isDivisionAncestor(command.fromDivisionCode, command.divisionCode)) {
    throw new NotADirectChildError(command.fromDivisionCode, command.divisionCode);
  }
  return [{ type: 'AllocationReceived', data }];
}

function validBeneficiary(beneficiary: Beneficiary): Beneficiary {
  if (beneficiary === null || typeof beneficiary !== 'object') {
    throw new InvalidCommandError('beneficiary', 'is required');
  }
  const idNumber = beneficiary.idNumber;
  const bankAccount = beneficiary.bankAccount;
  // Built field by field so that nothing the command happened to carry slips into the event.
  return {
    kind: requireOneOf('beneficiary.kind', beneficiary.kind, beneficiaryKinds),
    id: requireText('beneficiary.id', beneficiary.id, referenceLengthMax),
    name: requireText('beneficiary.name', beneficiary.name, nameLengthMax),
    ...(idNumber === undefined
      ? {}
      : { idNumber: requirePattern('beneficiary.idNumber', idNumber, beneficiaryIdNumberPattern) }),
    ...(bankAccount === undefined
      ? {}
      : {
          bankAccount: requirePattern('beneficiary.bankAccount', bankAccount, bankAccountPattern),
        }),
  };
}

function requestDisbursement(command: RequestDisbursement, state: PoolState): PoolEvent[] {
  assertAmountFen(command.amountFen);
  const beneficiary = validBeneficiary(command.beneficiary);
  const allocationRef =
    command.allocationRef === undefined
      ? undefined
      : requirePattern('allocationRef', command.allocationRef, transferIdPattern);
  const rosterEntryRef = optionalText('rosterEntryRef', command.rosterEntryRef, referenceLengthMax);
  const purpose = optionalText('purpose', command.purpose, purposeLengthMax);
  const data: DisbursementRequested['data'] = {
    ...eventBase(command),
    beneficiary,
    amountFen: fenToString(command.amountFen),
    ...(allocationRef === undefined ? {} : { allocationRef }),
    ...(rosterEntryRef === undefined ? {} : { rosterEntryRef }),
    ...(purpose === undefined ? {} : { purpose }),
    requestedBy: command.actor.id,
  };
  if (isRepeat(state, command.transferId, 'disbursement', fingerprintOf.disbursement(data)))
    return [];
  if (allocationRef !== undefined) {
    // A link to money that never arrived here would make the audit trail lie.
    const source = findTransfer(state.transfers, allocationRef);
    if (source === undefined) throw new TransferNotFoundError(allocationRef);
    if (source.kind !== 'allocationReceived' && source.kind !== 'appropriation') {
      throw new TransferKindMismatchError(allocationRef, 'allocationReceived', source.kind);
    }
  }
  requireCovered(state, command.amountFen);
  return [{ type: 'DisbursementRequested', data }];
}

// Statuses a disbursement can only reach through approval: approving again is a repeat.
const approvedOrLater: readonly DisbursementStatus[] = [
  'approved',
  'paid',
  'failed',
  'reversed',
  'recovered',
];
const paidOrLater: readonly DisbursementStatus[] = ['paid', 'reversed', 'recovered'];

function approveDisbursement(command: ApproveDisbursement, state: PoolState): PoolEvent[] {
  const entry = requireDisbursement(state, command.transferId);
  if (entry.status === 'requested') {
    invariant(
      entry.requestedBy !== undefined,
      `requested disbursement ${command.transferId} lost its requester`,
    );
    if (entry.requestedBy === command.actor.id)
      throw new SelfApprovalError(command.transferId, command.actor.id);
    return [
      {
        type: 'DisbursementApproved',
        data: {
          ...eventBase(command),
          amountFen: fenToString(entry.amountFen),
          requestedBy: entry.requestedBy,
          approvedBy: command.actor.id,
        },
      },
    ];
  }
  if (approvedOrLater.includes(entry.status)) return [];
  throw new InvalidTransferStateError(command.transferId, entry.status, 'approve');
}

function rejectDisbursement(command: RejectDisbursement, state: PoolState): PoolEvent[] {
  const reason = requireText('reason', command.reason, reasonLengthMax);
  const entry = requireDisbursement(state, command.transferId);
  if (entry.status === 'requested') {
    return [
      {
        type: 'DisbursementRejected',
        data: {
          ...eventBase(command),
          amountFen: fenToString(entry.amountFen),
          rejectedBy: command.actor.id,
          reason,
        },
      },
    ];
  }
  if (entry.status === 'rejected') {
    if (entry.outcomeFingerprint === outcomeFingerprintOf.rejected(reason)) return [];
    throw new TransferConflictError(command.transferId, 'disbursement');
  }
  throw new InvalidTransferStateError(command.transferId, entry.status, 'reject');
}

function settleDisbursement(command: SettleDisbursement, state: PoolState): PoolEvent[] {
  const outcome = requireOneOf('outcome', command.outcome, settlementOutcomes);
  if (outcome === 'paid' && command.failureReason !== undefined) {
    throw new InvalidCommandError('failureReason', 'is only allowed when the outcome is failed');
  }
  if (outcome === 'failed' && command.bankReference !== undefined) {
    throw new InvalidCommandError('bankReference', 'is only allowed when the outcome is paid');
  }
  const bankReference =
    outcome === 'paid'
      ? requireText('bankReference', command.bankReference, referenceLengthMax)
      : '';
  const failureReason =
    outcome === 'failed'
      ? requireText('failureReason', command.failureReason, reasonLengthMax)
      : '';
  const entry = requireDisbursement(state, command.transferId);
  if (entry.status === 'approved') {
    const base = { ...eventBase(command), amountFen: fenToString(entry.amountFen) };
    return outcome === 'paid'
      ? [{ type: 'DisbursementPaid', data: { ...base, bankReference } }]
      : [{ type: 'DisbursementFailed', data: { ...base, reason: failureReason } }];
  }
  const settledAs =
    outcome === 'paid'
      ? outcomeFingerprintOf.paid(bankReference)
      : outcomeFingerprintOf.failed(failureReason);
  const repeated =
    (outcome === 'paid' && paidOrLater.includes(entry.status)) ||
    (outcome === 'failed' && entry.status === 'failed');
  if (repeated) {
    if (entry.outcomeFingerprint === settledAs) return [];
    throw new TransferConflictError(command.transferId, 'disbursement');
  }
  throw new InvalidTransferStateError(command.transferId, entry.status, `settle as ${outcome}`);
}

function reverseTransfer(command: ReverseTransfer, state: PoolState): PoolEvent[] {
  const originalTransferId = requirePattern(
    'originalTransferId',
    command.originalTransferId,
    transferIdPattern,
  );
  const reason = requireText('reason', command.reason, reasonLengthMax);
  if (
    isRepeat(
      state,
      command.transferId,
      'reversal',
      fingerprintOf.reversal({ originalTransferId, reason }),
    )
  )
    return [];
  const original = requireDisbursement(state, originalTransferId);
  if (original.status !== 'paid')
    throw new InvalidTransferStateError(originalTransferId, original.status, 'reverse');
  // What the bank returns is what is still out there: anything already recovered is not paid twice.
  const amountFen = original.amountFen - original.returnedFen;
  return [
    {
      type: 'TransferReversed',
      data: {
        ...eventBase(command),
        originalTransferId,
        amountFen: fenToString(amountFen),
        reason,
      },
    },
  ];
}

function recoverFunds(command: RecoverFunds, state: PoolState): PoolEvent[] {
  const originalTransferId = requirePattern(
    'originalTransferId',
    command.originalTransferId,
    transferIdPattern,
  );
  assertAmountFen(command.amountFen);
  const reason = requireText('reason', command.reason, reasonLengthMax);
  const data = {
    ...eventBase(command),
    originalTransferId,
    amountFen: fenToString(command.amountFen),
    reason,
  };
  if (isRepeat(state, command.transferId, 'recovery', fingerprintOf.recovery(data))) return [];
  const original = requireDisbursement(state, originalTransferId);
  if (original.status !== 'paid')
    throw new InvalidTransferStateError(originalTransferId, original.status, 'recover');
  const outstandingFen = original.amountFen - original.returnedFen;
  if (command.amountFen > outstandingFen) {
    throw new RecoveryExceedsOutstandingError(
      originalTransferId,
      outstandingFen,
      command.amountFen,
    );
  }
  return [{ type: 'FundsRecovered', data }];
}

// ---------------------------------------------------------------------------------------------
// evolve

export function evolvePool(state: PoolState, event: PoolEvent): PoolState {
  const next = applyPoolEvent(claimIdentity(state, event), event);
  assertPoolInvariants(next);
  return next;
}

function claimIdentity(state: PoolState, event: PoolEvent): PoolState {
  const { fundId, divisionCode } = event.data;
  if (state.fundId === null) return { ...state, fundId, divisionCode };
  invariant(
    state.fundId === fundId && state.divisionCode === divisionCode,
    `${event.type} for pool ${fundId}.${divisionCode} applied to pool ${state.fundId}.${state.divisionCode}`,
  );
  return state;
}

function addTransfer(
  state: PoolState,
  transferId: string,
  entry: TransferEntry,
): TransferBook<TransferEntry> {
  invariant(
    findTransfer(state.transfers, transferId) === undefined,
    `transfer ${transferId} written twice`,
  );
  return putTransfer(state.transfers, transferId, entry);
}

function disbursementIn(
  state: PoolState,
  transferId: string,
  status: DisbursementStatus,
  amountFen: bigint,
): DisbursementEntry {
  const entry = findTransfer(state.transfers, transferId);
  invariant(
    entry !== undefined && entry.kind === 'disbursement',
    `${transferId} is not a disbursement of this pool`,
  );
  invariant(
    entry.status === status,
    `disbursement ${transferId} is ${entry.status}, expected ${status}`,
  );
  invariant(
    entry.amountFen === amountFen,
    `disbursement ${transferId} amount differs from its event`,
  );
  return entry;
}

function updateDisbursement(
  state: PoolState,
  transferId: string,
  entry: DisbursementEntry,
): TransferBook<TransferEntry> {
  return putTransfer(state.transfers, transferId, entry);
}

function applyPoolEvent(state: PoolState, event: PoolEvent): PoolState {
  const amountFen = fenFromString(event.data.amountFen);
  const { transferId } = event.data;
  switch (event.type) {
    case 'FundsAppropriated':
      return {
        ...state,
        receivedFen: state.receivedFen + amountFen,
        balanceFen: state.balanceFen + amountFen,
        transfers: addTransfer(state, transferId, {
          kind: 'appropriation',
          fingerprint: fingerprintOf.appropriation(event.data),
        }),
      };
    case 'AllocationSent':
      return {
        ...state,
        sentFen: state.sentFen + amountFen,
        balanceFen: state.balanceFen - amountFen,
        transfers: addTransfer(state, transferId, {
          kind: 'allocationSent',
          fingerprint: fingerprintOf.allocationSent(event.data),
        }),
      };
    case 'AllocationReceived':
      return {
        ...state,
        receivedFen: state.receivedFen + amountFen,
        balanceFen: state.balanceFen + amountFen,
        transfers: addTransfer(state, transferId, {
          kind: 'allocationReceived',
          fingerprint: fingerprintOf.allocationReceived(event.data),
        }),
      };
    case 'DisbursementRequested':
      return {
        ...state,
        reservedFen: state.reservedFen + amountFen,
        balanceFen: state.balanceFen - amountFen,
        pendingApprovalCount: state.pendingApprovalCount + 1,
        transfers: addTransfer(state, transferId, {
          kind: 'disbursement',
          fingerprint: fingerprintOf.disbursement(event.data),
          status: 'requested',
          amountFen,
          returnedFen: 0n,
          requestedBy: event.data.requestedBy,
        }),
      };
    case 'DisbursementApproved': {
      const { requestedBy: _decided, ...entry } = disbursementIn(
        state,
        transferId,
        'requested',
        amountFen,
      );
      return {
        ...state,
        reservedFen: state.reservedFen - amountFen,
        disbursedFen: state.disbursedFen + amountFen,
        pendingApprovalCount: state.pendingApprovalCount - 1,
        awaitingSettlementCount: state.awaitingSettlementCount + 1,
        transfers: updateDisbursement(state, transferId, { ...entry, status: 'approved' }),
      };
    }
    case 'DisbursementRejected': {
      const { requestedBy: _decided, ...entry } = disbursementIn(
        state,
        transferId,
        'requested',
        amountFen,
      );
      return {
        ...state,
        reservedFen: state.reservedFen - amountFen,
        balanceFen: state.balanceFen + amountFen,
        pendingApprovalCount: state.pendingApprovalCount - 1,
        transfers: updateDisbursement(state, transferId, {
          ...entry,
          status: 'rejected',
          outcomeFingerprint: outcomeFingerprintOf.rejected(event.data.reason),
        }),
      };
    }
    case 'DisbursementPaid': {
      const entry = disbursementIn(state, transferId, 'approved', amountFen);
      return {
        ...state,
        awaitingSettlementCount: state.awaitingSettlementCount - 1,
        transfers: updateDisbursement(state, transferId, {
          ...entry,
          status: 'paid',
          outcomeFingerprint: outcomeFingerprintOf.paid(event.data.bankReference),
        }),
      };
    }
    case 'DisbursementFailed': {
      // The bank never paid, so the money was never disbursed: it goes back to the balance.
      const entry = disbursementIn(state, transferId, 'approved', amountFen);
      return {
        ...state,
        disbursedFen: state.disbursedFen - amountFen,
        balanceFen: state.balanceFen + amountFen,
        awaitingSettlementCount: state.awaitingSettlementCount - 1,
        transfers: updateDisbursement(state, transferId, {
          ...entry,
          status: 'failed',
          outcomeFingerprint: outcomeFingerprintOf.failed(event.data.reason),
        }),
      };
    }
    case 'TransferReversed': {
      const { originalTransferId } = event.data;
      const original = findTransfer(state.transfers, originalTransferId);
      invariant(
        original !== undefined && original.kind === 'disbursement' && original.status === 'paid',
        `reversal ${transferId} names ${originalTransferId}, which is not a paid disbursement`,
      );
      invariant(
        original.amountFen - original.returnedFen === amountFen,
        `reversal ${transferId} amount is not what is outstanding`,
      );
      const withReversal = addTransfer(state, transferId, {
        kind: 'reversal',
        fingerprint: fingerprintOf.reversal(event.data),
      });
      return {
        ...state,
        reversedFen: state.reversedFen + amountFen,
        balanceFen: state.balanceFen + amountFen,
        transfers: putTransfer(withReversal, originalTransferId, {
          ...original,
          status: 'reversed',
          returnedFen: original.amountFen,
        }),
      };
    }
    case 'FundsRecovered': {
      const { originalTransferId } = event.data;
      const original = findTransfer(state.transfers, originalTransferId);
      invariant(
        original !== undefined && original.kind === 'disbursement' && original.status === 'paid',
        `recovery ${transferId} names ${originalTransferId}, which is not a paid disbursement`,
      );
      const returnedFen = original.returnedFen + amountFen;
      invariant(
        returnedFen <= original.amountFen,
        `recovery ${transferId} exceeds what ${originalTransferId} paid`,
      );
      const withRecovery = addTransfer(state, transferId, {
        kind: 'recovery',
        fingerprint: fingerprintOf.recovery(event.data),
      });
      return {
        ...state,
        recoveredFen: state.recoveredFen + amountFen,
        balanceFen: state.balanceFen + amountFen,
        transfers: putTransfer(withRecovery, originalTransferId, {
          ...original,
          status: returnedFen === original.amountFen ? 'recovered' : 'paid',
          returnedFen,
        }),
      };
    }
    default:
      return assertNever(event, 'pool event');
  }
}

export function assertPoolInvariants(state: PoolState): void {
  const totals = {
    balanceFen: state.balanceFen,
    receivedFen: state.receivedFen,
    sentFen: state.sentFen,
    reservedFen: state.reservedFen,
    disbursedFen: state.disbursedFen,
    reversedFen: state.reversedFen,
    recoveredFen: state.recoveredFen,
  };
  for (const [name, value] of Object.entries(totals))
    invariant(value >= 0n, `${name} is negative (${value})`);
  const expectedBalanceFen =
    state.receivedFen -
    state.sentFen -
    state.reservedFen -
    state.disbursedFen +
    state.reversedFen +
    state.recoveredFen;
  invariant(
    state.balanceFen === expectedBalanceFen,
    `balance ${state.balanceFen} != received − sent − reserved − disbursed + reversed + recovered = ${expectedBalanceFen}`,
  );
  invariant(
    state.reversedFen + state.recoveredFen <= state.disbursedFen,
    'more returned than was ever disbursed',
  );
  invariant(
    state.pendingApprovalCount >= 0 && state.awaitingSettlementCount >= 0,
    'a counter is negative',
  );
  invariant(
    (state.reservedFen === 0n) === (state.pendingApprovalCount === 0),
    `reserved ${state.reservedFen} fen disagrees with ${state.pendingApprovalCount} pending approvals`,
  );
}

export const poolDecider: Decider<PoolState, PoolCommand, PoolEvent> = {
  initialState: initialPoolState,
  decide: decidePool,
  evolve: evolvePool,
};

// ---------------------------------------------------------------------------------------------
// Snapshots: a long-lived pool loads from its latest snapshot plus the tail of its stream.

// 2: disbursement entries remember their outcome's content (outcomeFingerprint).
export const poolSnapshotSchemaVersion = 2;

export interface TransferSnapshot {
  readonly transferId: string;
  readonly kind: TransferKind;
  readonly fingerprint: string;
  readonly status?: DisbursementStatus;
  readonly amountFen?: string;
  readonly returnedFen?: string;
  readonly requestedBy?: string;
  readonly outcomeFingerprint?: string;
}

export interface PoolSnapshot {
  readonly schemaVersion: typeof poolSnapshotSchemaVersion;
  readonly fundId: string | null;
  readonly divisionCode: string | null;
  readonly balanceFen: string;
  readonly receivedFen: string;
  readonly sentFen: string;
  readonly reservedFen: string;
  readonly disbursedFen: string;
  readonly reversedFen: string;
  readonly recoveredFen: string;
  readonly pendingApprovalCount: number;
  readonly awaitingSettlementCount: number;
  /** Sorted by transferId, so equal states give byte-equal snapshots. */
  readonly transfers: readonly TransferSnapshot[];
}

export function poolStateToSnapshot(state: PoolState): PoolSnapshot {
  return {
    schemaVersion: poolSnapshotSchemaVersion,
    fundId: state.fundId,
    divisionCode: state.divisionCode,
    balanceFen: fenToString(state.balanceFen),
    receivedFen: fenToString(state.receivedFen),
    sentFen: fenToString(state.sentFen),
    reservedFen: fenToString(state.reservedFen),
    disbursedFen: fenToString(state.disbursedFen),
    reversedFen: fenToString(state.reversedFen),
    recoveredFen: fenToString(state.recoveredFen),
    pendingApprovalCount: state.pendingApprovalCount,
    awaitingSettlementCount: state.awaitingSettlementCount,
    transfers: transferEntries(state.transfers).map(([transferId, entry]): TransferSnapshot => {
      if (entry.kind !== 'disbursement')
        return { transferId, kind: entry.kind, fingerprint: entry.fingerprint };
      return {
        transferId,
        kind: entry.kind,
        fingerprint: entry.fingerprint,
        status: entry.status,
        amountFen: fenToString(entry.amountFen),
        returnedFen: fenToString(entry.returnedFen),
        ...(entry.requestedBy === undefined ? {} : { requestedBy: entry.requestedBy }),
        ...(entry.outcomeFingerprint === undefined
          ? {}
          : { outcomeFingerprint: entry.outcomeFingerprint }),
      };
    }),
  };
}

/**
 * Rebuilds a state from stored JSON. A snapshot that does not parse or breaks an invariant is a
 * bug or corruption, so this throws a plain `Error`; the caller can fall back to a full replay.
 */
export function poolStateFromSnapshot(json: unknown): PoolState {
  const snapshot = asRecord(json, 'snapshot');
  snapshotInvariant(
    snapshot['schemaVersion'] === poolSnapshotSchemaVersion,
    'unsupported schemaVersion',
  );
  const fundId = nullableString(snapshot['fundId'], 'fundId');
  const divisionCode = nullableString(snapshot['divisionCode'], 'divisionCode');
  snapshotInvariant(
    fundId === null
      ? divisionCode === null
      : divisionCode !== null &&
          fundIdPattern.test(fundId) &&
          divisionCodePattern.test(divisionCode),
    'fundId and divisionCode must both be valid or both be null',
  );
  const transfersJson = snapshot['transfers'];
  snapshotInvariant(Array.isArray(transfersJson), 'transfers must be an array');

  const entries: [string, TransferEntry][] = [];
  const seenTransferIds = new Set<string>();
  let pendingApprovalCount = 0;
  let awaitingSettlementCount = 0;
  for (const item of transfersJson as unknown[]) {
    const record = asRecord(item, 'transfer');
    const transferId = record['transferId'];
    const kind = record['kind'];
    const fingerprintText = record['fingerprint'];
    snapshotInvariant(
      typeof transferId === 'string' && transferIdPattern.test(transferId),
      'bad transferId',
    );
    snapshotInvariant(
      typeof kind === 'string' && (transferKinds as readonly string[]).includes(kind),
      `bad kind for ${transferId}`,
    );
    snapshotInvariant(
      typeof fingerprintText === 'string' && /^[0-9a-f]{32}$/.test(fingerprintText),
      `bad fingerprint for ${transferId}`,
    );
    snapshotInvariant(!seenTransferIds.has(transferId), `duplicate transfer ${transferId}`);
    seenTransferIds.add(transferId);
    let entry: TransferEntry;
    if (kind === 'disbursement') {
      const status = record['status'];
      snapshotInvariant(
        typeof status === 'string' && (disbursementStatuses as readonly string[]).includes(status),
        `bad status for ${transferId}`,
      );
      const requestedBy = record['requestedBy'];
      const disbursementStatus = status as DisbursementStatus;
      snapshotInvariant(
        disbursementStatus === 'requested'
          ? typeof requestedBy === 'string' && requestedBy !== ''
          : requestedBy === undefined,
        `requestedBy must be present exactly while ${transferId} awaits a decision`,
      );
      const amountFen = snapshotFen(record['amountFen'], `${transferId}.amountFen`);
      const returnedFen = snapshotFen(record['returnedFen'], `${transferId}.returnedFen`);
      snapshotInvariant(
        amountFen > 0n && returnedFen <= amountFen,
        `bad amounts for ${transferId}`,
      );
      const outcomeFingerprint = record['outcomeFingerprint'];
      snapshotInvariant(
        outcomeFingerprint === undefined ||
          (typeof outcomeFingerprint === 'string' && /^[0-9a-f]{32}$/.test(outcomeFingerprint)),
        `bad outcomeFingerprint for ${transferId}`,
      );
      if (disbursementStatus === 'requested') pendingApprovalCount += 1;
      if (disbursementStatus === 'approved') awaitingSettlementCount += 1;
      entry = {
        kind,
        fingerprint: fingerprintText,
        status: disbursementStatus,
        amountFen,
        returnedFen,
        ...(disbursementStatus === 'requested' ? { requestedBy: requestedBy as string } : {}),
        ...(outcomeFingerprint === undefined
          ? {}
          : { outcomeFingerprint: outcomeFingerprint as string }),
      };
    } else {
      entry = { kind: kind as SettledTransferKind, fingerprint: fingerprintText };
    }
    entries.push([transferId, entry]);
  }
  const transfers = transferBookOf(entries);

  const state: PoolState = {
    fundId,
    divisionCode,
    balanceFen: snapshotFen(snapshot['balanceFen'], 'balanceFen'),
    receivedFen: snapshotFen(snapshot['receivedFen'], 'receivedFen'),
    sentFen: snapshotFen(snapshot['sentFen'], 'sentFen'),
    reservedFen: snapshotFen(snapshot['reservedFen'], 'reservedFen'),
    disbursedFen: snapshotFen(snapshot['disbursedFen'], 'disbursedFen'),
    reversedFen: snapshotFen(snapshot['reversedFen'], 'reversedFen'),
    recoveredFen: snapshotFen(snapshot['recoveredFen'], 'recoveredFen'),
    pendingApprovalCount,
    awaitingSettlementCount,
    transfers,
  };
  snapshotInvariant(
    snapshot['pendingApprovalCount'] === pendingApprovalCount &&
      snapshot['awaitingSettlementCount'] === awaitingSettlementCount,
    'counters disagree with the transfers',
  );
  assertPoolInvariants(state);
  return state;
}

function snapshotInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invalid pool snapshot: ${message}`);
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  snapshotInvariant(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    `${what} must be an object`,
  );
  return value as Record<string, unknown>;
}

function nullableString(value: unknown, field: string): string | null {
  snapshotInvariant(
    value === null || typeof value === 'string',
    `${field} must be a string or null`,
  );
  return value;
}

function snapshotFen(value: unknown, field: string): bigint {
  snapshotInvariant(
    typeof value === 'string' && /^(?:0|[1-9]\d{0,29})$/.test(value),
    `${field} must be a digit string`,
  );
  return fenFromString(value, field);
}
