import type { RecordedEvent } from '@sunlight/event-store';
import type { DivisionLevel, DivisionRegistry } from '@sunlight/geo';
import type { DocumentKey, ReadDocument } from '@sunlight/read-store';
import type { DocumentsBefore, Projection } from '@sunlight/read-store';
import { invariant } from '@sunlight/kernel';
import { type PoolEvent } from '../domain';
import { addDistinct, type DistinctCount, emptyDistinctCount } from './distinct-count';
import { applyFiguresDelta, type Figures, subtreeDelta, zeroFigures } from './figures';
import { type FundLineDocument, fundLineDocumentOf } from './fund-lines';
import { fundLineEventOf, poolEventOf, poolIdOf, recordedAtOf } from './funds-events';
import {
  applyToPool,
  awaitingBeneficiaryKey,
  type PoolDocument,
  poolDocumentKeysOf,
} from './pool-account';

/*
 * Dashboards for every division that money reaches (province, prefecture, county, township and,
 * where a pool sits there, village), each describing the division's whole subtree. An event on
 * the pool of fund F at division D touches:
 *   dashboards/<code>          for D and each of its ancestors: the totals
 *   dashboardFunds/<code>/<F>  for D and each of its ancestors: fund F's share, with its distinct
 *                              beneficiaries (one document per division and fund keeps every
 *                              document bounded however many funds a province runs)
 *   pools/<F>.<D>              the pool itself, with the age of its money (for idle funds)
 * and `FundLineCreated` writes fundLines/<F>. Per purpose and per fiscal year, distinct
 * beneficiaries across funds and idle money are computed at query time (`dashboards.view.ts`).
 *
 * Invariant: an event that changes any document a division's answers read (its per-fund
 * documents, the pools of its subtree, its children's dashboards) also changes the division's
 * own dashboard document. The dashboards API keeps an answer while that document's
 * `lastPosition` stands, so a new collection or route must keep this (the property test
 * "routes every event that changes a document a division reads..." checks it).
 */

export const dashboardsProjectionName = 'dashboards';
/** 2: a pool's pending disbursements moved from every ancestor's per-fund document to the pool's. */
export const dashboardsProjectionVersion = 2;

export const dashboardCollections = {
  dashboards: 'dashboards',
  dashboardFunds: 'dashboardFunds',
  pools: 'pools',
  fundLines: 'fundLines',
} as const;

export type DashboardDocument = {
  /** The division code. */
  id: string;
  lastPosition: string;
  divisionCode: string;
  divisionName: string;
  level: DivisionLevel;
  parentCode: string | null;
  totals: Figures;
  /** Numeric copies of the totals for sorting the children listing. */
  sort: DashboardSortKeys;
  /*
   * Counts that join the dashboard in the issues that create them. Each of those issues adds its
   * stream prefix (`household-`, `project-`, `finding-`) to this projection's filter, routes its
   * events to the division and its ancestors as pool events are, and bumps the version so the
   * dashboards rebuild. Until then they are 0.
   */
  /** 建档立卡 households registered in the subtree: filled by the households issue. */
  householdCount: number;
  /** Projects in the subtree: filled by the projects and photo-evidence issue. */
  projectCount: number;
  /** Open oversight findings in the subtree: filled by the oversight issue. */
  findingCount: number;
  updatedAt: string;
};

export type DashboardSortKeys = {
  receivedFen: number;
  disbursedFen: number;
  balanceFen: number;
  inTransitFen: number;
  pendingFen: number;
  disbursementCount: number;
};

export type DashboardFundDocument = {
  /** `<divisionCode>/<fundId>`. */
  id: string;
  lastPosition: string;
  divisionCode: string;
  level: DivisionLevel;
  fundId: string;
  figures: Figures;
  /**
   * Distinct beneficiaries with at least one disbursement of this fund approved in the subtree
   * (a later failed payment does not remove them: it is normally paid again to the same person).
   */
  beneficiaries: DistinctCount;
  updatedAt: string;
};

export type DashboardDraft = Omit<DashboardDocument, 'lastPosition'>;
export type DashboardFundDraft = Omit<DashboardFundDocument, 'lastPosition'>;

export function dashboardFundId(divisionCode: string, fundId: string): string {
  return `${divisionCode}/${fundId}`;
}

export function dashboardsProjection(registry: DivisionRegistry): Projection {
  return {
    name: dashboardsProjectionName,
    version: dashboardsProjectionVersion,
    filter: { on: 'streamName', prefixes: ['pool-', 'fund-'] },

    keysOf(event: RecordedEvent): DocumentKey[] {
      const created = fundLineEventOf(event);
      if (created !== undefined)
        return [{ collection: dashboardCollections.fundLines, id: created.data.fundId }];
      const poolEvent = poolEventOf(event);
      // A payment settling changes no figure here; the payments history records it.
      if (poolEvent === undefined || poolEvent.type === 'DisbursementPaid') return [];
      const { fundId } = poolEvent.data;
      const chain = divisionChainOf(registry, poolEvent.data.divisionCode);
      return [
        ...chain.map((division) => ({
          collection: dashboardCollections.dashboards,
          id: division.code,
        })),
        ...chain.map((division) => ({
          collection: dashboardCollections.dashboardFunds,
          id: dashboardFundId(division.code, fundId),
        })),
        ...poolDocumentKeysOf(poolEvent).map((id) => ({
          collection: dashboardCollections.pools,
          id,
        })),
      ];
    },

    apply(
      current: ReadDocument | undefined,
      event: RecordedEvent,
      key: DocumentKey,
      before: DocumentsBefore,
    ): Omit<ReadDocument, 'lastPosition'> {
      if (key.collection === dashboardCollections.fundLines) {
        const created = fundLineEventOf(event);
        invariant(created !== undefined, `${event.type} routed to fundLines/${key.id}`);
        // A fund line is created once; a rebuild that meets it again writes the same document.
        return fundLineDocumentOf(created, event);
      }
      const poolEvent = poolEventOf(event);
      invariant(poolEvent !== undefined, `${event.type} routed to ${key.collection}/${key.id}`);
      switch (key.collection) {
        case dashboardCollections.dashboards:
          return applyToDashboard(
            registry,
            current as DashboardDocument | undefined,
            poolEvent,
            event,
            key.id,
          );
        case dashboardCollections.dashboardFunds:
          return applyToFundDashboard(
            registry,
            current as DashboardFundDocument | undefined,
            poolEvent,
            event,
            key.id,
            before,
          );
        case dashboardCollections.pools:
          return applyToPool(current as PoolDocument | undefined, poolEvent, event, key.id);
        default:
          throw new Error(`invariant: dashboards projection has no collection ${key.collection}`);
      }
    },
  };
}

function applyToDashboard(
  registry: DivisionRegistry,
  current: DashboardDocument | undefined,
  event: PoolEvent,
  recorded: RecordedEvent,
  divisionCode: string,
): DashboardDraft {
  const base = current === undefined ? emptyDashboard(divisionOf(registry, divisionCode)) : current;
  const ownDivision = divisionCode === event.data.divisionCode;
  const totals = applyFiguresDelta(
    base.totals,
    subtreeDelta(event, ownDivision),
    `dashboard ${divisionCode}`,
  );
  return { ...base, totals, sort: sortKeysOf(totals), updatedAt: recordedAtOf(recorded) };
}

/**
 * Amounts are digit strings, which do not sort as numbers; the children listing sorts on these
 * copies. A JavaScript number holds fen exactly up to 9 × 10^15 (90 trillion yuan).
 */
function sortKeysOf(totals: Figures): DashboardSortKeys {
  return {
    receivedFen: Number(totals.receivedFen),
    disbursedFen: Number(totals.disbursedFen),
    balanceFen: Number(totals.balanceFen),
    inTransitFen: Number(totals.inTransitFen),
    pendingFen: Number(totals.pendingFen),
    disbursementCount: totals.disbursementCount,
  };
}

function applyToFundDashboard(
  registry: DivisionRegistry,
  current: DashboardFundDocument | undefined,
  event: PoolEvent,
  recorded: RecordedEvent,
  id: string,
  before: DocumentsBefore,
): DashboardFundDraft {
  const { fundId, divisionCode: poolDivisionCode, transferId } = event.data;
  const divisionCode = id.slice(0, id.indexOf('/'));
  invariant(
    id === dashboardFundId(divisionCode, fundId),
    `${event.type} of fund ${fundId} routed to dashboardFunds/${id}`,
  );
  const base =
    current === undefined
      ? emptyFundDashboard(divisionOf(registry, divisionCode), fundId)
      : current;
  let { beneficiaries } = base;
  if (event.type === 'DisbursementApproved') {
    // An approval does not repeat whom it pays; the pool's pending disbursement does.
    const poolId = poolIdOf(fundId, poolDivisionCode);
    const pool = before({ collection: dashboardCollections.pools, id: poolId }) as
      PoolDocument | undefined;
    const beneficiaryKey =
      pool === undefined ? undefined : awaitingBeneficiaryKey(pool, transferId);
    invariant(
      beneficiaryKey !== undefined,
      `disbursement ${transferId} of pool ${poolId} approved but never requested`,
    );
    beneficiaries = addDistinct(beneficiaries, beneficiaryKey);
  }
  return {
    ...base,
    figures: applyFiguresDelta(
      base.figures,
      subtreeDelta(event, divisionCode === poolDivisionCode),
      `dashboardFunds ${id}`,
    ),
    beneficiaries,
    updatedAt: recordedAtOf(recorded),
  };
}

type DivisionInfo = { code: string; name: string; level: DivisionLevel; parentCode: string | null };

const divisionCodeLengths = [12, 9, 6, 4, 2] as const;
const levelByCodeLength: Readonly<Record<number, DivisionLevel>> = {
  2: 'province',
  4: 'prefecture',
  6: 'county',
  9: 'township',
  12: 'village',
};

/**
 * The division, or, for a code the registry does not hold (a log written under another edition
 * of the division data), a stand-in under its nearest known ancestor, so its money still rolls
 * up and the province's totals stay whole.
 */
function divisionOf(registry: DivisionRegistry, code: string): DivisionInfo {
  const known = registry.get(code);
  if (known !== undefined) return known;
  const parentCode = divisionCodeLengths
    .map((length) => code.slice(0, length))
    .find((prefix) => prefix.length < code.length && registry.has(prefix));
  return {
    code,
    name: '',
    level: levelByCodeLength[code.length] ?? 'village_group',
    parentCode: parentCode ?? null,
  };
}

/** The division and its ancestors, province first. */
function divisionChainOf(registry: DivisionRegistry, code: string): DivisionInfo[] {
  const division = divisionOf(registry, code);
  if (division.parentCode === null) return [division];
  const ancestors = registry.has(code)
    ? registry.ancestorsOf(code)
    : divisionChainOf(registry, division.parentCode);
  return [...ancestors, division];
}

function emptyDashboard(division: DivisionInfo): DashboardDraft {
  return {
    id: division.code,
    divisionCode: division.code,
    divisionName: division.name,
    level: division.level,
    parentCode: division.parentCode,
    totals: zeroFigures(),
    sort: sortKeysOf(zeroFigures()),
    householdCount: 0,
    projectCount: 0,
    findingCount: 0,
    updatedAt: '',
  };
}

function emptyFundDashboard(division: DivisionInfo, fundId: string): DashboardFundDraft {
  return {
    id: dashboardFundId(division.code, fundId),
    divisionCode: division.code,
    level: division.level,
    fundId,
    figures: zeroFigures(),
    beneficiaries: emptyDistinctCount(),
    updatedAt: '',
  };
}

export type { FundLineDocument, PoolDocument };
