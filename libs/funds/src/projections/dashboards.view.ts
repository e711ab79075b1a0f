import type { DivisionLevel } from '@sunlight/geo';
import { type FindQuery, findLimitMax } from '@sunlight/read-store';
import { fenFromString, formatYuan, type PurposeCategory } from '../domain';
import type { DashboardDocument, DashboardFundDocument } from './dashboards.projection';
import { type DistinctCount, distinctSize, mergeAllDistinct } from './distinct-count';
import { addFigures, type Figures, zeroFigures } from './figures';
import type { FundLineDocument } from './fund-lines';
import type { PoolDocument } from './pool-account';

/*
 * The query side of the dashboards, pure: the API reads the documents and these functions turn
 * them into what it answers. Reading a division's dashboard takes
 *   dashboards/<code>                          the totals
 *   dashboardFunds where divisionCode = code   per fund (`dashboardFundsQuery`, paged)
 *   fundLines of those funds                   for the purpose and fiscal year of each
 *   pools under code holding money, oldest first, until they are no longer idle (`idlePoolsQuery`)
 */

export const idleDaysDefault = 30;
export const idleDaysMax = 3650;
const dayMs = 24 * 60 * 60 * 1000;

/** The per-fund documents of one division, a page at a time. */
export function dashboardFundsQuery(divisionCode: string, offset = 0): FindQuery {
  return {
    where: { divisionCode },
    sortBy: 'fundId',
    direction: 'asc',
    limit: findLimitMax,
    offset,
  };
}

/** The pools in a division's subtree that hold money, oldest money first, a page at a time. */
export function idlePoolsQuery(
  divisionCode: string,
  offset = 0,
  limit: number = findLimitMax,
): FindQuery {
  return {
    where: { divisionCode: { prefix: divisionCode }, holdsMoney: true },
    sortBy: 'oldestLotAt',
    direction: 'asc',
    limit,
    offset,
  };
}

/** Money that arrived before this instant and is still in its pool is idle. */
export function idleCutoff(nowIso: string, idleDays: number = idleDaysDefault): string {
  if (!Number.isSafeInteger(idleDays) || idleDays < 1 || idleDays > idleDaysMax) {
    throw new RangeError(`idleDays must be an integer from 1 to ${idleDaysMax}, got ${idleDays}`);
  }
  const nowMs = Date.parse(nowIso);
  if (Number.isNaN(nowMs))
    throw new RangeError(`nowIso ${JSON.stringify(nowIso)} is not a timestamp`);
  return new Date(nowMs - idleDays * dayMs).toISOString();
}

/**
 * True once a page of `idlePoolsQuery` shows that later pages hold no idle money: it was short,
 * or its last pool's oldest money is younger than the cutoff.
 */
export function idleScanFinished(
  page: readonly PoolDocument[],
  cutoffIso: string,
  limit: number = findLimitMax,
): boolean {
  const last = page[page.length - 1];
  return (
    page.length < limit ||
    last === undefined ||
    last.oldestLotAt === null ||
    !isBefore(last.oldestLotAt, cutoffIso)
  );
}

export type IdleSummary = {
  idleFen: bigint;
  byFund: ReadonlyMap<string, bigint>;
  /** Pools holding idle money. */
  idlePoolCount: number;
  /** False when the caller stopped scanning before `idleScanFinished`: the figures are then a lower bound. */
  complete: boolean;
};

/** Sums the idle lots of the given pools (any order, any subset of the scan). */
export function idleSummary(
  pools: readonly PoolDocument[],
  cutoffIso: string,
  complete = true,
): IdleSummary {
  const byFund = new Map<string, bigint>();
  let idleFen = 0n;
  let idlePoolCount = 0;
  for (const pool of pools) {
    const poolIdleFen = pool.lots.reduce(
      (sum, [at, amountFen]) => (isBefore(at, cutoffIso) ? sum + fenFromString(amountFen) : sum),
      0n,
    );
    if (poolIdleFen === 0n) continue;
    idleFen += poolIdleFen;
    idlePoolCount += 1;
    byFund.set(pool.fundId, (byFund.get(pool.fundId) ?? 0n) + poolIdleFen);
  }
  return { idleFen, byFund, idlePoolCount, complete };
}

export type Breakdown = { figures: Figures; beneficiaries: DistinctCount; fundIds: string[] };

/**
 * Per purpose category and per fiscal year, from the division's per-fund documents and the fund
 * lines. Distinct beneficiaries merge as sets, so a person paid by two funds of one purpose
 * counts once. A fund without a line (which the log's order rules out) groups under null.
 */
export function breakdownByPurposeAndYear(
  funds: readonly DashboardFundDocument[],
  fundLines: ReadonlyMap<string, Pick<FundLineDocument, 'purposeCategory' | 'fiscalYear'>>,
): {
  byPurpose: Map<PurposeCategory | null, Breakdown>;
  byFiscalYear: Map<number | null, Breakdown>;
} {
  const byPurpose = new Map<PurposeCategory | null, DashboardFundDocument[]>();
  const byFiscalYear = new Map<number | null, DashboardFundDocument[]>();
  for (const fund of funds) {
    const line = fundLines.get(fund.fundId);
    addTo(byPurpose, line?.purposeCategory ?? null, fund);
    addTo(byFiscalYear, line?.fiscalYear ?? null, fund);
  }
  return { byPurpose: breakdowns(byPurpose), byFiscalYear: breakdowns(byFiscalYear) };
}

function addTo<Key>(
  groups: Map<Key, DashboardFundDocument[]>,
  key: Key,
  fund: DashboardFundDocument,
): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [fund]);
  else group.push(fund);
}

/** Each group's funds summed, with their beneficiaries merged in one pass. */
function breakdowns<Key>(groups: Map<Key, DashboardFundDocument[]>): Map<Key, Breakdown> {
  const result = new Map<Key, Breakdown>();
  for (const [key, funds] of groups) {
    result.set(key, {
      figures: funds.reduce((sum, fund) => addFigures(sum, fund.figures), zeroFigures()),
      beneficiaries: mergeAllDistinct(funds.map((fund) => fund.beneficiaries)),
      fundIds: funds.map((fund) => fund.fundId),
    });
  }
  return result;
}

/** Yuan decimal strings, as the API speaks. */
export type FiguresView = {
  received: string;
  allocatedDown: string;
  disbursed: string;
  returned: string;
  pending: string;
  inTransit: string;
  balance: string;
  /** 资金滞留: received more than `idleDays` ago and still in its pool. */
  idle: string;
  disbursementCount: number;
  beneficiaryCount: number;
  /** False once the count is a sketch estimate (about 1.6 % standard error). */
  beneficiaryCountExact: boolean;
};

export type DashboardView = {
  divisionCode: string;
  divisionName: string;
  level: DivisionLevel;
  parentCode: string | null;
  asOf: string;
  idleDays: number;
  /** False when the idle scan was cut short: idle figures are then lower bounds. */
  idleComplete: boolean;
  totals: FiguresView;
  byFund: (FiguresView & {
    fundId: string;
    name: string | null;
    fiscalYear: number | null;
    purposeCategory: PurposeCategory | null;
  })[];
  byPurpose: (FiguresView & { purposeCategory: PurposeCategory | null })[];
  byFiscalYear: (FiguresView & { fiscalYear: number | null })[];
  householdCount: number;
  projectCount: number;
  findingCount: number;
  /** The position of the last event that changed this division's figures ('' when none has). */
  lastPosition: string;
};

export type DashboardViewInput = {
  nowIso: string;
  idleDays?: number;
  /** Every per-fund document of the division (all pages of `dashboardFundsQuery`). */
  funds: readonly DashboardFundDocument[];
  fundLines: ReadonlyMap<string, FundLineDocument>;
  /** The pools read by `idlePoolsQuery` for this division. */
  idlePools: readonly PoolDocument[];
  /** Whether that scan reached `idleScanFinished`. */
  idleScanComplete?: boolean;
};

export function dashboardView(doc: DashboardDocument, input: DashboardViewInput): DashboardView {
  const idleDays = input.idleDays ?? idleDaysDefault;
  const cutoffIso = idleCutoff(input.nowIso, idleDays);
  const idle = idleSummary(input.idlePools, cutoffIso, input.idleScanComplete ?? true);
  const idleOf = (fundIds: readonly string[]): bigint =>
    fundIds.reduce((sum, fundId) => sum + (idle.byFund.get(fundId) ?? 0n), 0n);
  const allBeneficiaries = mergeAllDistinct(input.funds.map((fund) => fund.beneficiaries));
  const { byPurpose, byFiscalYear } = breakdownByPurposeAndYear(input.funds, input.fundLines);
  return {
    divisionCode: doc.divisionCode,
    divisionName: doc.divisionName,
    level: doc.level,
    parentCode: doc.parentCode,
    asOf: input.nowIso,
    idleDays,
    idleComplete: idle.complete,
    totals: figuresView(doc.totals, idle.idleFen, allBeneficiaries),
    byFund: input.funds.map((fund) => {
      const line = input.fundLines.get(fund.fundId);
      return {
        fundId: fund.fundId,
        name: line?.name ?? null,
        fiscalYear: line?.fiscalYear ?? null,
        purposeCategory: line?.purposeCategory ?? null,
        ...figuresView(fund.figures, idleOf([fund.fundId]), fund.beneficiaries),
      };
    }),
    byPurpose: [...byPurpose].map(([purposeCategory, group]) => ({
      purposeCategory,
      ...figuresView(group.figures, idleOf(group.fundIds), group.beneficiaries),
    })),
    byFiscalYear: [...byFiscalYear]
      .sort(([left], [right]) => (left ?? 0) - (right ?? 0))
      .map(([fiscalYear, group]) => ({
        fiscalYear,
        ...figuresView(group.figures, idleOf(group.fundIds), group.beneficiaries),
      })),
    householdCount: doc.householdCount,
    projectCount: doc.projectCount,
    findingCount: doc.findingCount,
    lastPosition: doc.lastPosition,
  };
}

export function figuresView(
  figures: Figures,
  idleFen: bigint,
  beneficiaries: DistinctCount,
): FiguresView {
  const yuan = (text: string): string => formatYuan(fenFromString(text));
  const beneficiaryCount = distinctSize(beneficiaries);
  return {
    received: yuan(figures.receivedFen),
    allocatedDown: yuan(figures.allocatedDownFen),
    disbursed: yuan(figures.disbursedFen),
    returned: yuan(figures.returnedFen),
    pending: yuan(figures.pendingFen),
    inTransit: yuan(figures.inTransitFen),
    balance: yuan(figures.balanceFen),
    idle: formatYuan(idleFen),
    disbursementCount: figures.disbursementCount,
    beneficiaryCount: beneficiaryCount.value,
    beneficiaryCountExact: beneficiaryCount.exact,
  };
}

// ISO timestamps from `toISOString` share one format, but inputs may not: compare instants.
function isBefore(leftIso: string, rightIso: string): boolean {
  return Date.parse(leftIso) < Date.parse(rightIso);
}
