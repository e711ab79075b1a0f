import { Inject, Injectable, Optional } from '@nestjs/common';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  findLimitMax,
  READ_MODEL_POSITIONS,
  READ_STORE,
  ReadModelViewCache,
  positionOfToken,
  versionOfToken,
  type FindQuery,
  type ReadDocument,
  type ReadModelPositions,
  type ReadStore,
} from '@sunlight/read-store';
import {
  dashboardCollections,
  dashboardFundsQuery,
  dashboardsProjectionName,
  dashboardView,
  figuresView,
  idlePoolsQuery,
  idleScanFinished,
  type DashboardDocument,
  type DashboardFundDocument,
  type DashboardView,
  type FiguresView,
  type FundLineDocument,
  type PoolDocument,
} from '../projections';
import {
  DIVISION_FINDINGS,
  type DivisionFindings,
  type DivisionOpenFindings,
} from '../division-findings.port';

/** Pages of pools read for the idle figure of one dashboard; a province with more is reported incomplete. */
const idleScanPagesMax = 20;
/**
 * The first page is small: usually no money is idle, and the oldest pools alone show it, where a
 * full page would read (and parse the lots of) 500 pools of a province for nothing.
 */
const idleFirstPageSize = 20;
const fundPagesMax = 20;
/**
 * Views kept (a province's divisions, a few idleDays settings each). A view is reused while the
 * dashboards have not moved (the token of `ReadModelPositions` changes with every batch the
 * projection commits) and for at most `viewMaxAgeMs`: `asOf` and the idle cut-off come from the
 * clock, and idle money counts in days, so a minute's reuse moves no money between columns that
 * the next minute would not. The age limit also bounds how long a switch to a rebuilt version
 * can go unseen while this process's runner of the old one has not yet learnt it was retired.
 */
const viewsCachedMax = 10_000;
const viewMaxAgeMs = 60_000;
export const childSortFields = [
  'divisionCode',
  'receivedFen',
  'disbursedFen',
  'balanceFen',
  'inTransitFen',
  'pendingFen',
  'disbursementCount',
] as const;

export interface ChildDashboard {
  divisionCode: string;
  divisionName: string;
  level: string;
  totals: Omit<FiguresView, 'idle' | 'beneficiaryCount' | 'beneficiaryCountExact'>;
}

export type ChildSortField = (typeof childSortFields)[number];

export interface ChildListing {
  divisionCode: string;
  total: number;
  items: ChildDashboard[];
}

/**
 * How far in the log an answer reflects, beside `asOf`: the position the dashboards read model
 * had applied when the answer was read (every event at or before it is counted; a later one may
 * be too, as documents are read after it), null before the read model has applied any event.
 * A caller compares it with the log head (`/health`) to see how stale the figures may be.
 */
export interface ReflectedPosition {
  readModelPosition: string | null;
}

/**
 * The open findings (疑点) beside the funds figures. They follow the findings read model, not the
 * dashboards one, so they are read for every answer, outside the cached view; absent when the
 * app runs without oversight.
 */
export type DashboardAnswer = DashboardView &
  ReflectedPosition & { openFindings?: DivisionOpenFindings };
export type ChildListingAnswer = Omit<ChildListing, 'items'> &
  ReflectedPosition & {
    items: (ChildDashboard & { openFindings?: { total: number } })[];
    /** The findings read model's position for the items' `openFindings`; absent with them. */
    openFindingsReadModelPosition?: string | null;
  };

const reflected = (token: string | undefined): ReflectedPosition => ({
  readModelPosition: (token === undefined ? undefined : positionOfToken(token)) ?? null,
});

/**
 * The four-level dashboards (看板), read from the dashboards read model and cached while the
 * projection has not moved. The open findings beside them (DIVISION_FINDINGS) come from another
 * projection, whose commits this cache does not see, so they are read for every answer: one
 * document, or one query for a page of children. Callers check the division exists and lies in
 * the caller's jurisdiction.
 */
@Injectable()
export class DashboardsQueries {
  private readonly views = new ReadModelViewCache<DashboardView>(viewsCachedMax, viewMaxAgeMs);
  private readonly listings = new ReadModelViewCache<ChildListing>(viewsCachedMax, viewMaxAgeMs);

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    // Without it (an assembly that keeps no read models), every request reads the documents.
    @Optional() @Inject(READ_MODEL_POSITIONS) private readonly positions?: ReadModelPositions,
    @Optional() @Inject(DIVISION_FINDINGS) private readonly findings?: DivisionFindings,
  ) {}

  /** Before the documents are read, so a cached answer is never older than its token. */
  private async position(): Promise<string | undefined> {
    return this.positions?.current(dashboardsProjectionName);
  }

  /**
   * Where this process follows the projection's commits, a token of the division's own document
   * (every change to what its answers read also changes it, see `divisionStamp`), without I/O:
   * under a stream of events elsewhere it stands, and a cached answer is served without a read.
   * Otherwise the projection's token, which moves with every batch.
   */
  private cacheToken(divisionCode: string, token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    return (
      this.positions?.document?.(
        dashboardsProjectionName,
        dashboardCollections.dashboards,
        divisionCode,
      ) ?? token
    );
  }

  async division(divisionCode: string, idleDays: number): Promise<DashboardAnswer> {
    const token = await this.position();
    const cacheToken = this.cacheToken(divisionCode, token);
    // A cached view stays true while its stamp stands, so it reflects this token's position too.
    const [view, openFindings] = await Promise.all([
      this.views.getStamped(
        `${divisionCode}?${idleDays}`,
        cacheToken,
        () => this.divisionStamp(divisionCode, cacheToken),
        (doc) => this.view(divisionCode, idleDays, doc),
      ),
      this.findings?.openFindingsOfDivision(divisionCode),
    ]);
    return {
      ...view,
      ...reflected(token),
      ...(openFindings === undefined ? {} : { openFindings }),
    };
  }

  async children(
    divisionCode: string,
    sort: ChildSortField,
    direction: 'asc' | 'desc',
    limit: number,
    offset: number,
  ): Promise<ChildListingAnswer> {
    const token = await this.position();
    const cacheToken = this.cacheToken(divisionCode, token);
    const listing = await this.listings.getStamped(
      `${divisionCode}?${sort}&${direction}&${limit}&${offset}`,
      cacheToken,
      () => this.divisionStamp(divisionCode, cacheToken),
      () => this.listing(divisionCode, sort, direction, limit, offset),
    );
    if (this.findings === undefined) return { ...listing, ...reflected(token) };
    // One query for the page's children, outside the cache: findings move apart from the funds.
    const { totals, readModelPosition } = await this.findings.openFindingTotals(
      listing.items.map((item) => item.divisionCode),
    );
    return {
      ...listing,
      items: listing.items.map((item) => ({
        ...item,
        openFindings: { total: totals.get(item.divisionCode) ?? 0 },
      })),
      ...reflected(token),
      openFindingsReadModelPosition: readModelPosition,
    };
  }

  /**
   * Every document a division's view or children listing reads changes only in a batch that
   * also changes the division's own dashboard document (see `dashboardsProjection`), so that
   * document's `lastPosition`, with the projection's version, stamps them all: while it stands,
   * events elsewhere in the province leave the cached answer valid.
   */
  private async divisionStamp(
    divisionCode: string,
    token: string | undefined,
  ): Promise<{ stamp: string; context: DashboardDocument | undefined }> {
    const doc = await this.readStore.get<DashboardDocument>(
      dashboardsProjectionName,
      dashboardCollections.dashboards,
      divisionCode,
    );
    return {
      stamp: `${token === undefined ? '' : versionOfToken(token)}|${doc?.lastPosition ?? ''}`,
      context: doc,
    };
  }

  private async view(
    divisionCode: string,
    idleDays: number,
    doc: DashboardDocument | undefined,
  ): Promise<DashboardView> {
    if (doc === undefined) return this.emptyView(divisionCode, idleDays);
    const funds = await this.pages<DashboardFundDocument>(
      dashboardCollections.dashboardFunds,
      (offset) => dashboardFundsQuery(divisionCode, offset),
      fundPagesMax,
    );
    const fundLines = await this.fundLines(funds.map((fund) => fund.fundId));
    const nowIso = new Date().toISOString();
    const cutoff = new Date(Date.now() - idleDays * 86_400_000).toISOString();
    const idlePools: PoolDocument[] = [];
    let idleScanComplete = false;
    for (let page = 0, offset = 0; page < idleScanPagesMax; page += 1) {
      const limit = page === 0 ? idleFirstPageSize : findLimitMax;
      const { items } = await this.readStore.find<PoolDocument>(
        dashboardsProjectionName,
        dashboardCollections.pools,
        idlePoolsQuery(divisionCode, offset, limit),
      );
      idlePools.push(...items);
      if (idleScanFinished(items, cutoff, limit)) {
        idleScanComplete = true;
        break;
      }
      offset += items.length;
    }
    return dashboardView(doc, { nowIso, idleDays, funds, fundLines, idlePools, idleScanComplete });
  }

  private async listing(
    divisionCode: string,
    sort: string,
    direction: 'asc' | 'desc',
    limit: number,
    offset: number,
  ): Promise<ChildListing> {
    const { items, total } = await this.readStore.find<DashboardDocument>(
      dashboardsProjectionName,
      dashboardCollections.dashboards,
      {
        where: { parentCode: divisionCode },
        sortBy: sort === 'divisionCode' ? 'divisionCode' : `sort.${sort}`,
        direction,
        limit,
        offset,
      },
    );
    return {
      divisionCode,
      total,
      items: items.map((doc) => ({
        divisionCode: doc.divisionCode,
        divisionName: doc.divisionName,
        level: doc.level,
        totals: listingFigures(doc),
      })),
    };
  }

  private async pages<T extends ReadDocument>(
    collection: string,
    query: (offset: number) => FindQuery,
    pagesMax: number,
  ): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < pagesMax; page += 1) {
      const { items } = await this.readStore.find<T>(
        dashboardsProjectionName,
        collection,
        query(page * findLimitMax),
      );
      all.push(...items);
      if (items.length < findLimitMax) break;
    }
    return all;
  }

  private async fundLines(fundIds: readonly string[]): Promise<Map<string, FundLineDocument>> {
    const lines = new Map<string, FundLineDocument>();
    if (fundIds.length === 0) return lines;
    const { items } = await this.readStore.find<FundLineDocument>(
      dashboardsProjectionName,
      dashboardCollections.fundLines,
      {
        where: { id: { in: [...new Set(fundIds)] } },
        limit: findLimitMax,
      },
    );
    for (const item of items) lines.set(item.id, item);
    return lines;
  }

  private emptyView(divisionCode: string, idleDays: number): DashboardView {
    const division = this.divisions.require(divisionCode);
    const doc: DashboardDocument = {
      id: divisionCode,
      lastPosition: '',
      divisionCode,
      divisionName: division.name,
      level: division.level,
      parentCode: division.parentCode,
      totals: {
        receivedFen: '0',
        allocatedDownFen: '0',
        disbursedFen: '0',
        returnedFen: '0',
        pendingFen: '0',
        inTransitFen: '0',
        balanceFen: '0',
        disbursementCount: 0,
      },
      sort: {
        receivedFen: 0,
        disbursedFen: 0,
        balanceFen: 0,
        inTransitFen: 0,
        pendingFen: 0,
        disbursementCount: 0,
      },
      householdCount: 0,
      projectCount: 0,
      findingCount: 0,
      updatedAt: '',
    };
    return dashboardView(doc, {
      nowIso: new Date().toISOString(),
      idleDays,
      funds: [],
      fundLines: new Map(),
      idlePools: [],
    });
  }
}

/** A child's totals for the listing, without the per-division idle and beneficiary figures. */
function listingFigures(
  doc: DashboardDocument,
): Omit<FiguresView, 'idle' | 'beneficiaryCount' | 'beneficiaryCountExact'> {
  const {
    idle: _idle,
    beneficiaryCount: _count,
    beneficiaryCountExact: _exact,
    ...totals
  } = figuresView(doc.totals, 0n, { keys: [] });
  return totals;
}
