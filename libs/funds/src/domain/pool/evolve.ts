import { evolveWith, invariant } from '@sunlight/kernel';
import { fenFromString } from '../money';
import { findTransfer, putTransfer, type TransferBook } from '../transfer-book';
import type { PoolEvent } from './events';
import { fingerprintOf, outcomeFingerprintOf } from './fingerprints';
import {
  assertPoolInvariants,
  type DisbursementEntry,
  type DisbursementStatus,
  type PoolState,
  type TransferEntry,
} from './state';

/** Applies one pool event; the accounting invariants are asserted after every one. */
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

const applyPoolEvent = evolveWith<PoolState, PoolEvent>(
  {
    FundsAppropriated: (state, { data }) =>
      receive(state, data, {
        kind: 'appropriation',
        fingerprint: fingerprintOf.appropriation(data),
      }),

    AllocationSent: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      return {
        ...state,
        sentFen: state.sentFen + amountFen,
        balanceFen: state.balanceFen - amountFen,
        transfers: addTransfer(state, data.transferId, {
          kind: 'allocationSent',
          fingerprint: fingerprintOf.allocationSent(data),
        }),
      };
    },

    AllocationReceived: (state, { data }) =>
      receive(state, data, {
        kind: 'allocationReceived',
        fingerprint: fingerprintOf.allocationReceived(data),
      }),

    DisbursementRequested: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      // A roster line draws on its batch's reservation: the balance paid for it already.
      const drawn = data.rosterBatchRef === undefined ? state : drawOnBatch(state, data, amountFen);
      return {
        ...drawn,
        reservedFen: state.reservedFen + amountFen,
        balanceFen: drawn.balanceFen - amountFen,
        pendingApprovalCount: state.pendingApprovalCount + 1,
        transfers: addTransfer(state, data.transferId, {
          kind: 'disbursement',
          fingerprint: fingerprintOf.disbursement(data),
          status: 'requested',
          amountFen,
          returnedFen: 0n,
          requestedBy: data.requestedBy,
        }),
      };
    },

    DisbursementApproved: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      const { requestedBy: _decided, ...entry } = disbursementIn(
        state,
        data.transferId,
        'requested',
        amountFen,
      );
      return {
        ...state,
        reservedFen: state.reservedFen - amountFen,
        disbursedFen: state.disbursedFen + amountFen,
        pendingApprovalCount: state.pendingApprovalCount - 1,
        awaitingSettlementCount: state.awaitingSettlementCount + 1,
        transfers: putTransfer(state.transfers, data.transferId, { ...entry, status: 'approved' }),
      };
    },

    DisbursementRejected: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      const { requestedBy: _decided, ...entry } = disbursementIn(
        state,
        data.transferId,
        'requested',
        amountFen,
      );
      return {
        ...state,
        reservedFen: state.reservedFen - amountFen,
        balanceFen: state.balanceFen + amountFen,
        pendingApprovalCount: state.pendingApprovalCount - 1,
        transfers: putTransfer(state.transfers, data.transferId, {
          ...entry,
          status: 'rejected',
          outcomeFingerprint: outcomeFingerprintOf.rejected(data.reason),
        }),
      };
    },

    DisbursementPaid: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      const entry = disbursementIn(state, data.transferId, 'approved', amountFen);
      return {
        ...state,
        awaitingSettlementCount: state.awaitingSettlementCount - 1,
        transfers: putTransfer(state.transfers, data.transferId, {
          ...entry,
          status: 'paid',
          outcomeFingerprint: outcomeFingerprintOf.paid(data.bankReference),
        }),
      };
    },

    // The bank never paid, so the money was never disbursed: it goes back to the balance.
    DisbursementFailed: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      const entry = disbursementIn(state, data.transferId, 'approved', amountFen);
      return {
        ...state,
        disbursedFen: state.disbursedFen - amountFen,
        balanceFen: state.balanceFen + amountFen,
        awaitingSettlementCount: state.awaitingSettlementCount - 1,
        transfers: putTransfer(state.transfers, data.transferId, {
          ...entry,
          status: 'failed',
          outcomeFingerprint: outcomeFingerprintOf.failed(data.reason),
        }),
      };
    },

    TransferReversed: (state, { data }) => {
      const { transferId, originalTransferId } = data;
      const amountFen = fenFromString(data.amountFen);
      const original = paidDisbursement(state, originalTransferId, `reversal ${transferId}`);
      invariant(
        original.amountFen - original.returnedFen === amountFen,
        `reversal ${transferId} amount is not what is outstanding`,
      );
      const withReversal = addTransfer(state, transferId, {
        kind: 'reversal',
        fingerprint: fingerprintOf.reversal(data),
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
    },

    FundsRecovered: (state, { data }) => {
      const { transferId, originalTransferId } = data;
      const amountFen = fenFromString(data.amountFen);
      const original = paidDisbursement(state, originalTransferId, `recovery ${transferId}`);
      const returnedFen = original.returnedFen + amountFen;
      invariant(
        returnedFen <= original.amountFen,
        `recovery ${transferId} exceeds what ${originalTransferId} paid`,
      );
      const withRecovery = addTransfer(state, transferId, {
        kind: 'recovery',
        fingerprint: fingerprintOf.recovery(data),
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
    },

    RosterBatchReserved: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      invariant(
        !state.openRosterBatches.has(data.transferId),
        `roster batch ${data.transferId} reserved twice`,
      );
      const openRosterBatches = new Map(state.openRosterBatches);
      openRosterBatches.set(data.transferId, {
        remainingFen: amountFen,
        remainingCount: data.entryCount,
      });
      return {
        ...state,
        rosterReservedFen: state.rosterReservedFen + amountFen,
        balanceFen: state.balanceFen - amountFen,
        openRosterBatches,
        transfers: addTransfer(state, data.transferId, {
          kind: 'rosterBatch',
          fingerprint: fingerprintOf.rosterBatch(data),
        }),
      };
    },

    RosterBatchReleased: (state, { data }) => {
      const amountFen = fenFromString(data.amountFen);
      const entry = findTransfer(state.transfers, data.transferId);
      const batch = state.openRosterBatches.get(data.transferId);
      invariant(
        entry?.kind === 'rosterBatch' &&
          batch !== undefined &&
          batch.remainingFen === amountFen &&
          batch.remainingCount === data.entryCount,
        `roster batch ${data.transferId} released but it does not hold ${data.entryCount} lines of ${amountFen} fen`,
      );
      const openRosterBatches = new Map(state.openRosterBatches);
      openRosterBatches.delete(data.transferId);
      return {
        ...state,
        rosterReservedFen: state.rosterReservedFen - amountFen,
        balanceFen: state.balanceFen + amountFen,
        openRosterBatches,
        // The reservation's fingerprint stays: a repeat of it is then told it was released.
        transfers: putTransfer(state.transfers, data.transferId, {
          kind: 'rosterBatchReleased',
          fingerprint: entry.fingerprint,
        }),
      };
    },
  },
  'pool',
);

/**
 * Moves one roster line's amount out of its batch's reservation back into the balance (the
 * request then takes it from there); the batch closes with its last line.
 */
function drawOnBatch(
  state: PoolState,
  data: { transferId: string; rosterBatchRef?: string },
  amountFen: bigint,
): PoolState {
  const batchId = data.rosterBatchRef ?? '';
  const batch = state.openRosterBatches.get(batchId);
  invariant(
    batch !== undefined && batch.remainingFen >= amountFen && batch.remainingCount >= 1,
    `roster line ${data.transferId} draws on ${batchId}, which has no such reservation left`,
  );
  const remainingFen = batch.remainingFen - amountFen;
  const remainingCount = batch.remainingCount - 1;
  invariant(
    (remainingCount === 0) === (remainingFen === 0n),
    `roster batch ${batchId} ends with ${remainingCount} lines and ${remainingFen} fen left`,
  );
  const openRosterBatches = new Map(state.openRosterBatches);
  if (remainingCount === 0) openRosterBatches.delete(batchId);
  else openRosterBatches.set(batchId, { remainingFen, remainingCount });
  return {
    ...state,
    rosterReservedFen: state.rosterReservedFen - amountFen,
    balanceFen: state.balanceFen + amountFen,
    openRosterBatches,
  };
}

/** Money arriving in the pool: an appropriation, or an allocation from the parent. */
function receive(
  state: PoolState,
  data: { transferId: string; amountFen: string },
  entry: TransferEntry,
): PoolState {
  const amountFen = fenFromString(data.amountFen);
  return {
    ...state,
    receivedFen: state.receivedFen + amountFen,
    balanceFen: state.balanceFen + amountFen,
    transfers: addTransfer(state, data.transferId, entry),
  };
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

function paidDisbursement(state: PoolState, transferId: string, by: string): DisbursementEntry {
  const original = findTransfer(state.transfers, transferId);
  invariant(
    original !== undefined && original.kind === 'disbursement' && original.status === 'paid',
    `${by} names ${transferId}, which is not a paid disbursement`,
  );
  return original;
}
