import { assertNever, invariant, validateCommandContext } from '@sunlight/kernel';
import {
  InsufficientFundsError,
  InvalidCommandError,
  InvalidTransferStateError,
  NotADirectChildError,
  RecoveryExceedsOutstandingError,
  RosterBatchConflictError,
  RosterBatchNotCoveredError,
  RosterBatchOverdrawnError,
  RosterBatchReleasedError,
  SelfApprovalError,
  TransferConflictError,
  TransferKindMismatchError,
  TransferNotFoundError,
} from '../funds.errors';
import {
  divisionCodePattern,
  fundIdPattern,
  fundsFieldRules,
  isDivisionAncestor,
  nameLengthMax,
  optionalText,
  reasonLengthMax,
  referenceLengthMax,
  requireOneOf,
  requirePattern,
  requireText,
  transferIdPattern,
} from '../funds.validation';
import { assertAmountFen, fenToString } from '../money';
import { findTransfer } from '../transfer-book';
import {
  beneficiaryKinds,
  rosterRequestsPerCommandMax,
  settlementOutcomes,
  type AppropriateFunds,
  type ApproveDisbursement,
  type Beneficiary,
  type PoolCommand,
  type PoolCommandBase,
  type ReceiveAllocation,
  type RecoverFunds,
  type RejectDisbursement,
  type ReleaseRosterBatch,
  type RequestDisbursement,
  type RequestRosterDisbursements,
  type ReserveRosterBatch,
  type ReverseTransfer,
  type RosterDisbursementRequest,
  type RosterEntryRef,
  type SendAllocation,
  type SettleDisbursement,
} from './commands';
import type { DisbursementRequested, PoolEvent, PoolEventBase } from './events';
import { fingerprintOf, outcomeFingerprintOf } from './fingerprints';
import type {
  DisbursementEntry,
  DisbursementStatus,
  OpenRosterBatch,
  PoolState,
  TransferKind,
} from './state';

const beneficiaryIdNumberPattern = /^[0-9A-Za-z]{1,32}$/;
const bankAccountPattern = /^[0-9A-Za-z -]{1,64}$/;
const purposeLengthMax = 500;

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
    case 'ReserveRosterBatch':
      return reserveRosterBatch(command, state);
    case 'ReleaseRosterBatch':
      return releaseRosterBatch(command, state);
    case 'RequestRosterDisbursements':
      return requestRosterDisbursements(command, state);
    default:
      return assertNever(command, 'pool command');
  }
}

function validatePoolCommand(command: PoolCommand, state: PoolState): void {
  validateCommandContext(command, fundsFieldRules);
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
    invariant(
      entry.requestedBy !== undefined,
      `requested disbursement ${command.transferId} lost its requester`,
    );
    if (entry.requestedBy === command.actor.id) {
      throw new SelfApprovalError(command.transferId, command.actor.id, 'reject');
    }
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

const sha256Pattern = /^[0-9a-f]{64}$/;
const rosterEntryCountMax = 10_000_000;

function reserveRosterBatch(command: ReserveRosterBatch, state: PoolState): PoolEvent[] {
  assertAmountFen(command.amountFen);
  const rosterId = requirePattern('rosterId', command.rosterId, transferIdPattern);
  const fileSha256 = requirePattern('fileSha256', command.fileSha256, sha256Pattern);
  if (
    !Number.isSafeInteger(command.entryCount) ||
    command.entryCount < 1 ||
    command.entryCount > rosterEntryCountMax
  ) {
    throw new InvalidCommandError(
      'entryCount',
      `must be an integer from 1 to ${rosterEntryCountMax}`,
    );
  }
  const data = {
    ...eventBase(command),
    rosterId,
    fileSha256,
    entryCount: command.entryCount,
    amountFen: fenToString(command.amountFen),
  };
  const existing = findTransfer(state.transfers, command.transferId);
  if (existing?.kind === 'rosterBatchReleased') throw new RosterBatchReleasedError(rosterId);
  if (
    existing?.kind === 'rosterBatch' &&
    existing.fingerprint !== fingerprintOf.rosterBatch(data)
  ) {
    // Another decision (other excluded rows) reserved it first; the message says how to go on.
    const open = state.openRosterBatches.get(command.transferId);
    throw new RosterBatchConflictError(
      rosterId,
      open === undefined
        ? undefined
        : { entryCount: open.remainingCount, amountFen: open.remainingFen },
    );
  }
  if (isRepeat(state, command.transferId, 'rosterBatch', fingerprintOf.rosterBatch(data)))
    return [];
  if (state.balanceFen < command.amountFen) {
    throw new RosterBatchNotCoveredError(rosterId, state.balanceFen, command.amountFen);
  }
  return [{ type: 'RosterBatchReserved', data }];
}

/**
 * Gives a roster batch back whole. Nothing to release (no batch of that id: the roster was never
 * reserved here) and a batch released already are answered with nothing written, so the rosters
 * context asks for a release on every rejection and repeats it safely. A batch some or all of
 * whose lines were requested is refused: those lines are the approved roster's payments.
 */
function releaseRosterBatch(command: ReleaseRosterBatch, state: PoolState): PoolEvent[] {
  const rosterId = requirePattern('rosterId', command.rosterId, transferIdPattern);
  const fileSha256 = requirePattern('fileSha256', command.fileSha256, sha256Pattern);
  const reason = requireText('reason', command.reason, reasonLengthMax);
  const batchId = command.transferId;
  const entry = findTransfer(state.transfers, batchId);
  if (entry === undefined || entry.kind === 'rosterBatchReleased') return [];
  if (entry.kind !== 'rosterBatch')
    throw new TransferKindMismatchError(batchId, 'rosterBatch', entry.kind);
  const open = state.openRosterBatches.get(batchId);
  const data = {
    ...eventBase(command),
    rosterId,
    entryCount: open?.remainingCount ?? 0,
    amountFen: fenToString(open?.remainingFen ?? 0n),
    reason,
  };
  // What is left gives back the reservation's own content only while no line drew on it.
  if (
    open === undefined ||
    fingerprintOf.rosterBatch({ ...data, fileSha256 }) !== entry.fingerprint
  ) {
    throw new InvalidTransferStateError(batchId, 'drawn on by its lines', 'release it');
  }
  return [{ type: 'RosterBatchReleased', data }];
}

function validRosterEntry(entry: RosterEntryRef): RosterEntryRef {
  if (entry === null || typeof entry !== 'object') {
    throw new InvalidCommandError('rosterEntry', 'is required');
  }
  if (!Number.isSafeInteger(entry.row) || entry.row < 2) {
    throw new InvalidCommandError('rosterEntry.row', 'must be a data row (2 or more)');
  }
  return {
    rosterId: requirePattern('rosterEntry.rosterId', entry.rosterId, transferIdPattern),
    row: entry.row,
    fileSha256: requirePattern('rosterEntry.fileSha256', entry.fileSha256, sha256Pattern),
    uploadedBy: requireText('rosterEntry.uploadedBy', entry.uploadedBy, referenceLengthMax),
    approvedBy: requireText('rosterEntry.approvedBy', entry.approvedBy, referenceLengthMax),
  };
}

/**
 * Lines of a reserved roster batch. Each is a `DisbursementRequested` drawing its amount from the
 * batch's reservation, never from the balance; a line already requested with the same content is
 * a repeat (nothing written), with other content a conflict. The batch can never pay out more
 * lines or money than it reserved, and its last line must take exactly what is left.
 */
function requestRosterDisbursements(
  command: RequestRosterDisbursements,
  state: PoolState,
): PoolEvent[] {
  const batchId = command.transferId;
  const batchEntry = findTransfer(state.transfers, batchId);
  if (batchEntry === undefined) throw new TransferNotFoundError(batchId);
  if (batchEntry.kind !== 'rosterBatch')
    throw new TransferKindMismatchError(batchId, 'rosterBatch', batchEntry.kind);
  if (!Array.isArray(command.requests) || command.requests.length > rosterRequestsPerCommandMax) {
    throw new InvalidCommandError(
      'requests',
      `must be a list of at most ${rosterRequestsPerCommandMax} lines`,
    );
  }
  let open: OpenRosterBatch | undefined = state.openRosterBatches.get(batchId);
  const seen = new Set<string>();
  const events: PoolEvent[] = [];
  for (const request of command.requests) {
    const data = rosterLineData(command, request, batchId);
    if (seen.has(data.transferId)) {
      throw new InvalidCommandError('requests', `name transfer ${data.transferId} twice`);
    }
    seen.add(data.transferId);
    if (isRepeat(state, data.transferId, 'disbursement', fingerprintOf.disbursement(data)))
      continue;
    const amountFen = request.amountFen;
    if (
      open === undefined ||
      // Every line left must still get at least one fen, and the last one takes what is left.
      open.remainingFen - amountFen < BigInt(open.remainingCount - 1) ||
      (open.remainingCount === 1 && open.remainingFen !== amountFen)
    ) {
      throw new RosterBatchOverdrawnError(batchId, data.transferId);
    }
    open = { remainingFen: open.remainingFen - amountFen, remainingCount: open.remainingCount - 1 };
    if (open.remainingCount === 0) open = undefined;
    events.push({ type: 'DisbursementRequested', data });
  }
  return events;
}

function rosterLineData(
  command: RequestRosterDisbursements,
  request: RosterDisbursementRequest,
  batchId: string,
): DisbursementRequested['data'] {
  if (request === null || typeof request !== 'object') {
    throw new InvalidCommandError('requests', 'must hold objects');
  }
  const transferId = requirePattern('transferId', request.transferId, transferIdPattern);
  assertAmountFen(request.amountFen);
  const rosterEntry = validRosterEntry(request.rosterEntry);
  const purpose = optionalText('purpose', request.purpose, purposeLengthMax);
  return {
    transferId,
    fundId: command.fundId,
    divisionCode: command.divisionCode,
    beneficiary: validBeneficiary(request.beneficiary),
    amountFen: fenToString(request.amountFen),
    rosterEntryRef: `${rosterEntry.rosterId}#${rosterEntry.row}`,
    ...(purpose === undefined ? {} : { purpose }),
    requestedBy: command.actor.id,
    rosterBatchRef: batchId,
    rosterEntry,
  };
}
