import type { RecordedEvent } from '@sunlight/event-store';
import { assertNever, invariant } from '@sunlight/kernel';
import { fenFromString, fenToString, type PoolEvent } from '../domain';
import { applyFiguresDelta, type Figures, subtreeDelta, zeroFigures } from './figures';
import { distinctKeyOf } from './distinct-count';
import { amountOf, beneficiaryIdentityOf, poolIdOf, recordedAtOf } from './funds-events';

/*
 * One document per pool (collection `pools`): its own figures and the age of its money.
 *
 * Idle money (资金滞留) is money received and not moved on for more than N days. Each pool keeps
 * its balance as lots in arrival order (first in, first out): money coming in (appropriation,
 * allocation received, a rejected or failed disbursement, a reversal or recovery) is a new lot
 * dated when it was recorded; money going out (allocation sent, disbursement requested) uses up
 * the oldest lots first. So a pool cannot hide an old balance by spending a little every month.
 *
 * A division's dashboard cannot keep the ages of every pool below it without growing with them,
 * and cannot read other documents, so idle money is found at query time: the pools under a
 * division that hold money, oldest lot first (`idlePoolsQuery`), summed by `idleSummary`.
 */

/** `[recordedAt, amountFen]`; the amounts of a pool's lots add up to its balance. */
export type Lot = [at: string, amountFen: string];

export type PoolDocument = {
  id: string;
  lastPosition: string;
  fundId: string;
  divisionCode: string;
  /**
   * This pool alone: `inTransitFen` is what it sent and its child has not yet received, and
   * balance + pending + disbursed − returned + allocatedDown = received.
   */
  figures: Figures;
  lots: Lot[];
  /** When the oldest money still in the pool arrived; null when the pool is empty. */
  oldestLotAt: string | null;
  /** A top-level flag so the idle query can filter on it. */
  holdsMoney: boolean;
  /**
   * This pool's disbursements requested and not yet decided, in request order. An approval does
   * not repeat whom it pays, so the dashboards above the pool read the beneficiary here (the
   * projection's `before`) to count distinct beneficiaries. Pairs rather than an object: a roster
   * of a few hundred is copied on every event, and arrays copy far faster than such objects.
   */
  awaitingApproval: AwaitingApproval[];
  updatedAt: string;
};

export type AwaitingApproval = [transferId: string, beneficiaryKey: string];

/** Whom a pool's pending disbursement pays; undefined when it is not pending. */
export function awaitingBeneficiaryKey(
  pool: Pick<PoolDocument, 'awaitingApproval'>,
  transferId: string,
): string | undefined {
  for (const [pending, beneficiaryKey] of pool.awaitingApproval)
    if (pending === transferId) return beneficiaryKey;
  return undefined;
}

export type PoolDraft = Omit<PoolDocument, 'lastPosition'>;

/**
 * Lots of one UTC day merge, so a pool has one lot per day at most. Past this many days of
 * unspent arrivals the two oldest merge under the later date: a pool's idle money is then
 * understated, never overstated, and only for money older than this many days.
 */
export const poolLotsMax = 62;

export function poolDocumentKeysOf(event: PoolEvent): string[] {
  const ids = [poolIdOf(event.data.fundId, event.data.divisionCode)];
  if (event.type === 'AllocationReceived')
    ids.push(poolIdOf(event.data.fundId, event.data.fromDivisionCode));
  return ids;
}

export function applyToPool(
  current: PoolDocument | undefined,
  event: PoolEvent,
  recorded: RecordedEvent,
  id: string,
): PoolDraft {
  const { fundId, divisionCode } = event.data;
  if (id !== poolIdOf(fundId, divisionCode)) {
    // The sending pool hears of the receipt only to close its transfer.
    invariant(
      event.type === 'AllocationReceived' && current !== undefined,
      `${event.type} routed to foreign pool ${id}`,
    );
    return {
      ...current,
      figures: applyFiguresDelta(current.figures, { inTransitFen: -amountOf(event) }, `pool ${id}`),
      updatedAt: recordedAtOf(recorded),
    };
  }
  const base = current === undefined ? emptyPool(id, fundId, divisionCode) : current;
  const figures = applyFiguresDelta(base.figures, subtreeDelta(event, true), `pool ${id}`);
  const lots = moveLots(base.lots, event, recordedAtOf(recorded));
  const lotsFen = lots.reduce((sum, [, amountFen]) => sum + fenFromString(amountFen), 0n);
  invariant(
    lotsFen === fenFromString(figures.balanceFen),
    `pool ${id} lots hold ${lotsFen} fen but its balance is ${figures.balanceFen}`,
  );
  return {
    ...base,
    figures,
    awaitingApproval: awaitingAfter(base.awaitingApproval, event, id),
    lots,
    oldestLotAt: lots.reduce<string | null>(
      (oldest, [at]) => (oldest === null || at < oldest ? at : oldest),
      null,
    ),
    holdsMoney: lots.length > 0,
    updatedAt: recordedAtOf(recorded),
  };
}

function awaitingAfter(
  awaiting: AwaitingApproval[],
  event: PoolEvent,
  id: string,
): AwaitingApproval[] {
  const { transferId } = event.data;
  if (event.type === 'DisbursementRequested') {
    invariant(
      awaitingBeneficiaryKey({ awaitingApproval: awaiting }, transferId) === undefined,
      `disbursement ${transferId} of pool ${id} requested twice`,
    );
    return [
      ...awaiting,
      [transferId, distinctKeyOf(beneficiaryIdentityOf(event.data.beneficiary))],
    ];
  }
  if (event.type === 'DisbursementApproved' || event.type === 'DisbursementRejected') {
    const index = awaiting.findIndex(([pending]) => pending === transferId);
    invariant(index >= 0, `disbursement ${transferId} of pool ${id} decided but never requested`);
    return [...awaiting.slice(0, index), ...awaiting.slice(index + 1)];
  }
  return awaiting;
}

function moveLots(lots: readonly Lot[], event: PoolEvent, at: string): Lot[] {
  const amountFen = amountOf(event);
  switch (event.type) {
    case 'FundsAppropriated':
    case 'AllocationReceived':
    case 'DisbursementRejected':
    case 'DisbursementFailed':
    case 'RosterBatchReleased':
    case 'TransferReversed':
    case 'FundsRecovered':
      return addLot(lots, at, amountFen);
    case 'AllocationSent':
    case 'RosterBatchReserved':
      return takeOldest(lots, amountFen);
    case 'DisbursementRequested':
      // A roster line's money left the lots with its batch's reservation.
      return event.data.rosterBatchRef === undefined ? takeOldest(lots, amountFen) : [...lots];
    case 'DisbursementApproved':
    case 'DisbursementPaid':
      return [...lots];
    default:
      return assertNever(event, 'pool event');
  }
}

function addLot(lots: readonly Lot[], at: string, amountFen: bigint): Lot[] {
  const last = lots[lots.length - 1];
  if (last !== undefined && last[0].slice(0, 10) === at.slice(0, 10)) {
    return [...lots.slice(0, -1), [last[0], fenToString(fenFromString(last[1]) + amountFen)]];
  }
  const next: Lot[] = [...lots, [at, fenToString(amountFen)]];
  if (next.length <= poolLotsMax) return next;
  const [first, second, ...rest] = next;
  invariant(first !== undefined && second !== undefined, 'a full pool has at least two lots');
  return [[second[0], fenToString(fenFromString(first[1]) + fenFromString(second[1]))], ...rest];
}

function takeOldest(lots: readonly Lot[], amountFen: bigint): Lot[] {
  let remainingFen = amountFen;
  const kept: Lot[] = [];
  for (const [at, lotText] of lots) {
    const lotFen = fenFromString(lotText);
    if (remainingFen >= lotFen) {
      remainingFen -= lotFen;
    } else {
      kept.push([at, fenToString(lotFen - remainingFen)]);
      remainingFen = 0n;
    }
  }
  invariant(remainingFen === 0n, `an outflow of ${amountFen} fen exceeds the pool's lots`);
  return kept;
}

function emptyPool(id: string, fundId: string, divisionCode: string): PoolDraft {
  return {
    id,
    fundId,
    divisionCode,
    figures: zeroFigures(),
    lots: [],
    oldestLotAt: null,
    holdsMoney: false,
    awaitingApproval: [],
    updatedAt: '',
  };
}
