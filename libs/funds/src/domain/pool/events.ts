import type { DomainEvent } from '@sunlight/kernel';
import type { Beneficiary, RosterEntryRef } from './commands';

/*
 * The events of a pool. Every one names its pool and transfer, so projections and the relay need
 * not parse stream names; amounts are digit strings. Who acted lives in the envelope metadata,
 * except the people maker-checker is about, who are part of the fact itself.
 */

export interface PoolEventBase {
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
    /** For a line of a roster batch: the batch (its transferId) whose reservation it draws on. */
    readonly rosterBatchRef?: string;
    /** For a line of a roster batch: the roster, row, file and people behind it. */
    readonly rosterEntry?: RosterEntryRef;
  }
>;

/**
 * A roster's total set aside in one event; its lines' `DisbursementRequested` then draw on it
 * (balance −, roster-reserved +; each line moves its amount from roster-reserved to reserved).
 */
export type RosterBatchReserved = DomainEvent<
  'RosterBatchReserved',
  PoolEventBase & {
    readonly rosterId: string;
    readonly fileSha256: string;
    readonly entryCount: number;
    readonly amountFen: string;
  }
>;

/**
 * A roster batch none of whose lines was requested, given back whole because its roster was
 * rejected: what it held returns to the balance (roster-reserved −, balance +) and the batch can
 * never be drawn on or reserved again. `entryCount` and `amountFen` are the reservation's.
 */
export type RosterBatchReleased = DomainEvent<
  'RosterBatchReleased',
  PoolEventBase & {
    readonly rosterId: string;
    readonly entryCount: number;
    readonly amountFen: string;
    readonly reason: string;
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
  | FundsRecovered
  | RosterBatchReserved
  | RosterBatchReleased;

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
  'RosterBatchReserved',
  'RosterBatchReleased',
];
