import { assertNever, invariant } from '@sunlight/kernel';
import { type PoolEvent } from '../domain';
import { addFen, amountOf } from './funds-events';

/**
 * The money figures of a dashboard, of one fund's share of it, or of one pool. Amounts are fen as
 * digit strings. For a division they describe its whole subtree (the division and everything
 * below it), so movements inside the subtree cancel and, at every level,
 *   balance + inTransit + pending + disbursed − returned = received.
 */
export type Figures = {
  /** Money entering: appropriations made in the subtree, plus allocations the division received from its parent. */
  receivedFen: string;
  /** Allocations the division's own pools sent to its children (it stays inside the subtree). */
  allocatedDownFen: string;
  /** Disbursements approved, net of failed payments (reversed and recovered money is in `returnedFen`). */
  disbursedFen: string;
  /** Paid disbursements reversed by the bank or recovered (追回). */
  returnedFen: string;
  /** Disbursements requested and awaiting approval, and roster totals reserved for their lines. */
  pendingFen: string;
  /** Allocations sent by a pool in the subtree and not yet received (在途资金). */
  inTransitFen: string;
  /** What the subtree's pools can still spend. */
  balanceFen: string;
  /** Disbursements approved, net of failed ones: the count behind `disbursedFen`. */
  disbursementCount: number;
};

export const fenFigureNames = [
  'receivedFen',
  'allocatedDownFen',
  'disbursedFen',
  'returnedFen',
  'pendingFen',
  'inTransitFen',
  'balanceFen',
] as const;
export type FenFigureName = (typeof fenFigureNames)[number];

export type FiguresDelta = { readonly [Name in FenFigureName]?: bigint } & {
  readonly disbursementCount?: number;
};

export function zeroFigures(): Figures {
  return {
    receivedFen: '0',
    allocatedDownFen: '0',
    disbursedFen: '0',
    returnedFen: '0',
    pendingFen: '0',
    inTransitFen: '0',
    balanceFen: '0',
    disbursementCount: 0,
  };
}

export function applyFiguresDelta(figures: Figures, delta: FiguresDelta, where: string): Figures {
  const next = { ...figures };
  for (const name of fenFigureNames) {
    const change = delta[name];
    if (change !== undefined && change !== 0n)
      next[name] = addFen(figures[name], change, where, name);
  }
  if (delta.disbursementCount !== undefined) {
    next.disbursementCount = figures.disbursementCount + delta.disbursementCount;
    invariant(next.disbursementCount >= 0, `${where} disbursementCount would become negative`);
  }
  return next;
}

export function addFigures(left: Figures, right: Figures): Figures {
  const sum = { ...left, disbursementCount: left.disbursementCount + right.disbursementCount };
  for (const name of fenFigureNames) sum[name] = addFen(left[name], BigInt(right[name]), name);
  return sum;
}

/**
 * How one pool event changes the figures of a division whose subtree holds the pool.
 * `ownDivision` is true for the pool's own division and false for its ancestors; the two differ
 * only for allocations, which cross from a division to its child.
 */
export function subtreeDelta(event: PoolEvent, ownDivision: boolean): FiguresDelta {
  // An event changes the figures of its division's whole chain, each of them asking in a row.
  if (event !== lastDeltas.of) lastDeltas = { of: event, own: undefined, ancestor: undefined };
  const known = ownDivision ? lastDeltas.own : lastDeltas.ancestor;
  if (known !== undefined) return known;
  const delta = deltaOf(event, ownDivision);
  if (ownDivision) lastDeltas.own = delta;
  else lastDeltas.ancestor = delta;
  return delta;
}

let lastDeltas: {
  of: PoolEvent | undefined;
  own: FiguresDelta | undefined;
  ancestor: FiguresDelta | undefined;
} = {
  of: undefined,
  own: undefined,
  ancestor: undefined,
};

function deltaOf(event: PoolEvent, ownDivision: boolean): FiguresDelta {
  const amountFen = amountOf(event);
  switch (event.type) {
    case 'FundsAppropriated':
      return { receivedFen: amountFen, balanceFen: amountFen };
    case 'AllocationSent':
      return ownDivision
        ? { allocatedDownFen: amountFen, inTransitFen: amountFen, balanceFen: -amountFen }
        : { inTransitFen: amountFen, balanceFen: -amountFen };
    case 'AllocationReceived':
      // For the receiving division the money enters from its parent; for every ancestor it was
      // already inside, in transit from the sending pool.
      return ownDivision
        ? { receivedFen: amountFen, balanceFen: amountFen }
        : { inTransitFen: -amountFen, balanceFen: amountFen };
    case 'DisbursementRequested':
      // A roster line was pending from its batch's reservation on.
      return event.data.rosterBatchRef === undefined
        ? { pendingFen: amountFen, balanceFen: -amountFen }
        : {};
    case 'RosterBatchReserved':
      return { pendingFen: amountFen, balanceFen: -amountFen };
    case 'RosterBatchReleased':
      // A rejected roster's reservation, none of it requested, goes back whole.
      return { pendingFen: -amountFen, balanceFen: amountFen };
    case 'DisbursementApproved':
      return { pendingFen: -amountFen, disbursedFen: amountFen, disbursementCount: 1 };
    case 'DisbursementRejected':
      return { pendingFen: -amountFen, balanceFen: amountFen };
    case 'DisbursementPaid':
      return {};
    case 'DisbursementFailed':
      return { disbursedFen: -amountFen, balanceFen: amountFen, disbursementCount: -1 };
    case 'TransferReversed':
    case 'FundsRecovered':
      return { returnedFen: amountFen, balanceFen: amountFen };
    default:
      return assertNever(event, 'pool event');
  }
}
