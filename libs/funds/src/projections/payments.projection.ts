import type { RecordedEvent } from '@sunlight/event-store';
import type { DocumentKey, FindQuery, ReadDocument } from '@sunlight/read-store';
import type { Projection } from '@sunlight/read-store';
import { invariant } from '@sunlight/kernel';
import {
  type Beneficiary,
  type DisbursementStatus,
  fenFromString,
  fenToString,
  type PoolEvent,
  type RosterEntryRef,
} from '../domain';
import { normalisedIdNumber, poolEventOf, recordedAtOf, transferKeyOf } from './funds-events';

/*
 * The history of every payment (collection `payments`): one document per disbursement, from its
 * request to its last return, with the people who requested, approved or rejected it and the
 * log positions of every step. `idNumber` is a top-level field, so "every payment to this ID
 * number, in any fund and any division, in order" is one query (`paymentsByIdNumberQuery`); the
 * same number paid in two villages is two documents.
 *
 * The history of a pool is its own stream (`pool-<fundId>.<divisionCode>`), already in order;
 * the pool's current figures are in the dashboards projection's `pools` collection.
 */

export const paymentsProjectionName = 'payments';
export const paymentsProjectionVersion = 1;
export const paymentsCollection = 'payments';

export type PaymentReturn = {
  /** The reversal's or recovery's own transfer id. */
  transferId: string;
  kind: 'reversal' | 'recovery';
  amountFen: string;
  reason: string;
  /** `metadata.actor.id` of the event. */
  by: string | null;
  at: string;
  position: string;
};

export type PaymentDocument = {
  /** `<fundId>.<divisionCode>/<transferId>`: the paying pool and the disbursement's transfer id. */
  id: string;
  lastPosition: string;
  fundId: string;
  /** The paying pool's division; a prefix query gives a village's, township's or county's payments. */
  divisionCode: string;
  transferId: string;
  /** Normalised (upper-case X); null for a beneficiary without one, such as a project contractor. */
  idNumber: string | null;
  beneficiaryKind: Beneficiary['kind'];
  beneficiaryId: string;
  beneficiary: Beneficiary;
  amountFen: string;
  /** Reversed plus recovered so far. */
  returnedFen: string;
  status: DisbursementStatus;
  allocationRef: string | null;
  rosterEntryRef: string | null;
  /**
   * For a payment made from a roster (花名册) line: the roster, its row, the file's SHA-256, who
   * uploaded and who approved it. Absent otherwise (so documents written before rosters stand).
   */
  rosterEntry?: RosterEntryRef;
  purpose: string | null;
  requestedBy: string;
  approvedBy: string | null;
  rejectedBy: string | null;
  rejectionReason: string | null;
  /** Who reported the bank's outcome (`metadata.actor.id`). */
  settledBy: string | null;
  bankReference: string | null;
  failureReason: string | null;
  returns: PaymentReturn[];
  /** Timestamps are when the log recorded each step. */
  requestedAt: string;
  approvedAt: string | null;
  rejectedAt: string | null;
  paidAt: string | null;
  failedAt: string | null;
  /** Position of the request: sorting by it orders payments as the log does. */
  requestedPosition: string;
  /** Positions of every event applied, in order: the evidence behind this document. */
  positions: string[];
  updatedAt: string;
};

export type PaymentDraft = Omit<PaymentDocument, 'lastPosition'>;

const paymentEventTypes: readonly PoolEvent['type'][] = [
  'DisbursementRequested',
  'DisbursementApproved',
  'DisbursementRejected',
  'DisbursementPaid',
  'DisbursementFailed',
  'TransferReversed',
  'FundsRecovered',
];

export function paymentIdOf(event: PoolEvent): string {
  const { fundId, divisionCode } = event.data;
  const transferId =
    event.type === 'TransferReversed' || event.type === 'FundsRecovered'
      ? event.data.originalTransferId
      : event.data.transferId;
  return transferKeyOf(fundId, divisionCode, transferId);
}

export const paymentsProjection: Projection = {
  name: paymentsProjectionName,
  version: paymentsProjectionVersion,
  filter: { on: 'streamName', prefixes: ['pool-'] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const poolEvent = poolEventOf(event);
    if (poolEvent === undefined || !paymentEventTypes.includes(poolEvent.type)) return [];
    return [{ collection: paymentsCollection, id: paymentIdOf(poolEvent) }];
  },

  apply(
    current: ReadDocument | undefined,
    event: RecordedEvent,
    key: DocumentKey,
  ): Omit<ReadDocument, 'lastPosition'> {
    const poolEvent = poolEventOf(event);
    invariant(
      poolEvent !== undefined && key.id === paymentIdOf(poolEvent),
      `${event.type} routed to payments/${key.id}`,
    );
    return applyToPayment(current as PaymentDocument | undefined, poolEvent, event, key.id);
  },
};

/** Every payment to one ID number, oldest first; page with `offset`. */
export function paymentsByIdNumberQuery(idNumber: string, limit: number, offset = 0): FindQuery {
  return {
    where: { idNumber: normalisedIdNumber(idNumber) ?? '' },
    sortBy: 'requestedPosition',
    direction: 'asc',
    limit,
    offset,
  };
}

function applyToPayment(
  current: PaymentDocument | undefined,
  event: PoolEvent,
  recorded: RecordedEvent,
  id: string,
): PaymentDraft {
  const at = recordedAtOf(recorded);
  const position = recorded.position;
  if (event.type === 'DisbursementRequested') {
    invariant(current === undefined, `disbursement ${id} requested twice`);
    const { fundId, divisionCode, transferId, beneficiary, amountFen, requestedBy } = event.data;
    return {
      id,
      fundId,
      divisionCode,
      transferId,
      idNumber: normalisedIdNumber(beneficiary.idNumber),
      beneficiaryKind: beneficiary.kind,
      beneficiaryId: beneficiary.id,
      beneficiary,
      amountFen,
      returnedFen: '0',
      status: 'requested',
      allocationRef: event.data.allocationRef ?? null,
      rosterEntryRef: event.data.rosterEntryRef ?? null,
      ...(event.data.rosterEntry === undefined
        ? {}
        : { rosterEntry: { ...event.data.rosterEntry } }),
      purpose: event.data.purpose ?? null,
      requestedBy,
      approvedBy: null,
      rejectedBy: null,
      rejectionReason: null,
      settledBy: null,
      bankReference: null,
      failureReason: null,
      returns: [],
      requestedAt: at,
      approvedAt: null,
      rejectedAt: null,
      paidAt: null,
      failedAt: null,
      requestedPosition: position,
      positions: [position],
      updatedAt: at,
    };
  }
  invariant(
    current !== undefined,
    `${event.type} for disbursement ${id}, which was never requested`,
  );
  // The old lastPosition is carried along; the runner replaces it.
  const previous = current;
  const base: PaymentDraft = {
    ...previous,
    positions: [...previous.positions, position],
    updatedAt: at,
  };
  const expect = (status: DisbursementStatus): void =>
    invariant(
      previous.status === status,
      `${event.type} for disbursement ${id}, which is ${previous.status}`,
    );
  switch (event.type) {
    case 'DisbursementApproved':
      expect('requested');
      return { ...base, status: 'approved', approvedBy: event.data.approvedBy, approvedAt: at };
    case 'DisbursementRejected':
      expect('requested');
      return {
        ...base,
        status: 'rejected',
        rejectedBy: event.data.rejectedBy,
        rejectionReason: event.data.reason,
        rejectedAt: at,
      };
    case 'DisbursementPaid':
      expect('approved');
      return {
        ...base,
        status: 'paid',
        bankReference: event.data.bankReference,
        settledBy: actorIdOf(recorded),
        paidAt: at,
      };
    case 'DisbursementFailed':
      expect('approved');
      return {
        ...base,
        status: 'failed',
        failureReason: event.data.reason,
        settledBy: actorIdOf(recorded),
        failedAt: at,
      };
    case 'TransferReversed':
    case 'FundsRecovered': {
      expect('paid');
      const returnedFen = fenFromString(previous.returnedFen) + fenFromString(event.data.amountFen);
      const paidFen = fenFromString(previous.amountFen);
      invariant(returnedFen <= paidFen, `more returned from ${id} than it paid`);
      const kind = event.type === 'TransferReversed' ? 'reversal' : 'recovery';
      return {
        ...base,
        status:
          event.type === 'TransferReversed'
            ? 'reversed'
            : returnedFen === paidFen
              ? 'recovered'
              : 'paid',
        returnedFen: fenToString(returnedFen),
        returns: [
          ...previous.returns,
          {
            transferId: event.data.transferId,
            kind,
            amountFen: event.data.amountFen,
            reason: event.data.reason,
            by: actorIdOf(recorded),
            at,
            position,
          },
        ],
      };
    }
    default:
      throw new Error(`invariant: ${event.type} is not a payment event`);
  }
}

function actorIdOf(recorded: RecordedEvent): string | null {
  const actor = recorded.metadata['actor'] as { id?: unknown } | undefined;
  return typeof actor?.id === 'string' ? actor.id : null;
}
