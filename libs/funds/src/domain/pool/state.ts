import { invariant } from '@sunlight/kernel';
import { divisionCodePattern, fundIdPattern, requirePattern } from '../funds.validation';
import { emptyTransferBook, type TransferBook } from '../transfer-book';
/*
 * A pool is the account of one fund line at one division (stream `pool-<fundId>.<divisionCode>`).
 *
 * Accounting, asserted after every event:
 *   balance = received − sent − rosterReserved − reserved − disbursed + reversed + recovered
 * received  appropriations and allocations received from the parent
 * sent      allocations sent to child divisions
 * rosterReserved  roster totals set aside (RosterBatchReserved) whose lines are not requested yet
 *                 and which were not given back (RosterBatchReleased)
 * reserved  disbursements requested and awaiting approval
 * disbursed disbursements approved, in payment or paid (a failed payment leaves this bucket)
 * reversed  paid disbursements the bank returned
 * recovered paid disbursements clawed back from the beneficiary (追回)
 * so reversed + recovered never exceeds disbursed, and the balance is what the pool can still spend.
 */

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
  | 'appropriation'
  | 'allocationSent'
  | 'allocationReceived'
  | 'reversal'
  | 'recovery'
  | 'rosterBatch'
  | 'rosterBatchReleased';
export type TransferKind = SettledTransferKind | 'disbursement';
export const transferKinds: readonly TransferKind[] = [
  'appropriation',
  'allocationSent',
  'allocationReceived',
  'disbursement',
  'reversal',
  'recovery',
  'rosterBatch',
  'rosterBatchReleased',
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

export type DisbursementEntry = Extract<TransferEntry, { kind: 'disbursement' }>;

/** What a roster batch still holds back: the lines not requested yet and their money. */
export interface OpenRosterBatch {
  readonly remainingFen: bigint;
  readonly remainingCount: number;
}

export interface PoolState {
  /** Null until the first event: a pool has no identity before money arrives. */
  readonly fundId: string | null;
  readonly divisionCode: string | null;
  readonly balanceFen: bigint;
  readonly receivedFen: bigint;
  readonly sentFen: bigint;
  readonly rosterReservedFen: bigint;
  readonly reservedFen: bigint;
  readonly disbursedFen: bigint;
  readonly reversedFen: bigint;
  readonly recoveredFen: bigint;
  readonly pendingApprovalCount: number;
  readonly awaitingSettlementCount: number;
  readonly transfers: TransferBook<TransferEntry>;
  /** Roster batches with lines still to request, by the batch's transferId (few at a time). */
  readonly openRosterBatches: ReadonlyMap<string, OpenRosterBatch>;
}

export function initialPoolState(): PoolState {
  return {
    fundId: null,
    divisionCode: null,
    balanceFen: 0n,
    receivedFen: 0n,
    sentFen: 0n,
    rosterReservedFen: 0n,
    reservedFen: 0n,
    disbursedFen: 0n,
    reversedFen: 0n,
    recoveredFen: 0n,
    pendingApprovalCount: 0,
    awaitingSettlementCount: 0,
    transfers: emptyTransferBook<TransferEntry>(),
    openRosterBatches: new Map(),
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
  /** Requested disbursements awaiting approval, and roster totals reserved for lines to come. */
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
    pendingFen: state.reservedFen + state.rosterReservedFen,
    disbursedFen: state.disbursedFen,
    returnedFen: state.reversedFen + state.recoveredFen,
    pendingApprovalCount: state.pendingApprovalCount,
    awaitingSettlementCount: state.awaitingSettlementCount,
    transferCount: state.transfers.size,
  };
}

export function assertPoolInvariants(state: PoolState): void {
  const totals = {
    balanceFen: state.balanceFen,
    receivedFen: state.receivedFen,
    sentFen: state.sentFen,
    rosterReservedFen: state.rosterReservedFen,
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
    state.rosterReservedFen -
    state.reservedFen -
    state.disbursedFen +
    state.reversedFen +
    state.recoveredFen;
  invariant(
    state.balanceFen === expectedBalanceFen,
    `balance ${state.balanceFen} != received − sent − rosterReserved − reserved − disbursed + reversed + recovered = ${expectedBalanceFen}`,
  );
  let openFen = 0n;
  for (const [batchId, batch] of state.openRosterBatches) {
    invariant(
      batch.remainingCount > 0 && batch.remainingFen > 0n,
      `roster batch ${batchId} is open with nothing left`,
    );
    openFen += batch.remainingFen;
  }
  invariant(
    openFen === state.rosterReservedFen,
    `roster batches hold ${openFen} fen but ${state.rosterReservedFen} fen is roster-reserved`,
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
