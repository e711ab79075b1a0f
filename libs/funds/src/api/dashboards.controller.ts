import { Controller, Get, Inject, NotFoundException, Optional, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles, type Actor } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  findLimitMax,
  READ_MODEL_POSITIONS,
  READ_STORE,
  ReadModelViewCache,
  versionOfToken,
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
  idleDaysDefault,
  idleDaysMax,
  idlePoolsQuery,
  idleScanFinished,
  type DashboardDocument,
  type DashboardFundDocument,
  type DashboardView,
  type FiguresView,
  type FundLineDocument,
  type PoolDocument,
} from '../projections';
import { integerQuery, RequestFieldError } from './responses';

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
const childSortFields = [
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

@ApiTags('dashboards (看板)')
@ApiBearerAuth()
@Controller('dashboards')
export class DashboardsController {
  private readonly views = new ReadModelViewCache<DashboardView>(viewsCachedMax, viewMaxAgeMs);
  private readonly listings = new ReadModelViewCache<{
    divisionCode: string;
    total: number;
    items: ChildDashboard[];
  }>(viewsCachedMax, viewMaxAgeMs);

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    // Without it (an assembly that keeps no read models), every request reads the documents.
    @Optional() @Inject(READ_MODEL_POSITIONS) private readonly positions?: ReadModelPositions,
  ) {}

  /** Before the documents are read, so a cached answer is never older than its token. */
  private async position(): Promise<string | undefined> {
    return this.positions?.current(dashboardsProjectionName);
  }

  @Get(':divisionCode')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'The funds dashboard of a province, prefecture, county or township, rolling up everything below it',
    description:
      'Received, allocated down (下拨), disbursed, pending approval, in transit (在途), balance, idle (资金滞留: received and not ' +
      'moved on for more than `idleDays` days), disbursement and distinct beneficiary counts; per fund line, per purpose ' +
      'category and per fiscal year. Read from the dashboards read model; `lastPosition` says how far in the log it reflects.',
  })
  @ApiParam({ name: 'divisionCode', example: '530325' })
  @ApiQuery({ name: 'idleDays', required: false, example: String(idleDaysDefault) })
  async get(
    @Param('divisionCode') divisionCode: string,
    @Query('idleDays') idleDaysText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<DashboardView> {
    this.requireDivision(divisionCode);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const idleDays = integerQuery('idleDays', idleDaysText, 1, idleDaysMax) ?? idleDaysDefault;
    const token = await this.position();
    return this.views.getStamped(
      `${divisionCode}?${idleDays}`,
      token,
      () => this.divisionStamp(divisionCode, token),
      (doc) => this.view(divisionCode, idleDays, doc),
    );
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
    const doc = (await this.readStore.get(
      dashboardsProjectionName,
      dashboardCollections.dashboards,
      divisionCode,
    )) as DashboardDocument | undefined;
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
      const { items } = await this.readStore.find(
        dashboardsProjectionName,
        dashboardCollections.pools,
        idlePoolsQuery(divisionCode, offset, limit),
      );
      idlePools.push(...(items as unknown as PoolDocument[]));
      if (idleScanFinished(items as unknown as PoolDocument[], cutoff, limit)) {
        idleScanComplete = true;
        break;
      }
      offset += items.length;
    }
    return dashboardView(doc, { nowIso, idleDays, funds, fundLines, idlePools, idleScanComplete });
  }

  @Get(':divisionCode/children')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary: "The dashboards of a division's direct children (下级), sortable and paged",
    description:
      "Totals only: idle money and distinct beneficiaries need a per-division scan and are on each child's own dashboard.",
  })
  @ApiParam({ name: 'divisionCode', example: '5303' })
  @ApiQuery({ name: 'sort', required: false, enum: childSortFields, example: 'disbursedFen' })
  @ApiQuery({ name: 'direction', required: false, enum: ['asc', 'desc'], example: 'desc' })
  @ApiQuery({ name: 'limit', required: false, example: '50' })
  @ApiQuery({ name: 'offset', required: false, example: '0' })
  async children(
    @Param('divisionCode') divisionCode: string,
    @Query('sort') sortText: string | undefined,
    @Query('direction') directionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<{ divisionCode: string; total: number; items: ChildDashboard[] }> {
    this.requireDivision(divisionCode);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const sort = sortText ?? 'divisionCode';
    if (!(childSortFields as readonly string[]).includes(sort)) {
      throw new RequestFieldError('sort', `must be one of ${childSortFields.join(', ')}`);
    }
    if (directionText !== undefined && directionText !== 'asc' && directionText !== 'desc') {
      throw new RequestFieldError('direction', 'must be asc or desc');
    }
    const limit = integerQuery('limit', limitText, 1, findLimitMax) ?? 50;
    const offset = integerQuery('offset', offsetText, 0, 1_000_000) ?? 0;
    const direction = directionText === 'desc' ? 'desc' : 'asc';
    const token = await this.position();
    return this.listings.getStamped(
      `${divisionCode}?${sort}&${direction}&${limit}&${offset}`,
      token,
      () => this.divisionStamp(divisionCode, token),
      () => this.listing(divisionCode, sort, direction, limit, offset),
    );
  }

  private async listing(
    divisionCode: string,
    sort: string,
    direction: 'asc' | 'desc',
    limit: number,
    offset: number,
  ): Promise<{ divisionCode: string; total: number; items: ChildDashboard[] }> {
    const { items, total } = await this.readStore.find(
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
      items: (items as unknown as DashboardDocument[]).map((doc) => ({
        divisionCode: doc.divisionCode,
        divisionName: doc.divisionName,
        level: doc.level,
        totals: listingFigures(doc),
      })),
    };
  }

  private requireDivision(code: string): void {
    if (this.divisions.get(code) === undefined) throw new NotFoundException(`No division ${code}`);
  }

  private async pages<T>(
    collection: string,
    query: (offset: number) => Parameters<ReadStore['find']>[2],
    pagesMax: number,
  ): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < pagesMax; page += 1) {
      const { items } = await this.readStore.find(
        dashboardsProjectionName,
        collection,
        query(page * findLimitMax),
      );
      all.push(...(items as unknown as T[]));
      if (items.length < findLimitMax) break;
    }
    return all;
  }

  private async fundLines(fundIds: readonly string[]): Promise<Map<string, FundLineDocument>> {
    const lines = new Map<string, FundLineDocument>();
    if (fundIds.length === 0) return lines;
    const { items } = await this.readStore.find(
      dashboardsProjectionName,
      dashboardCollections.fundLines,
      {
        where: { id: { in: [...new Set(fundIds)] } },
        limit: findLimitMax,
      },
    );
    for (const item of items as ReadDocument[])
      lines.set(item.id, item as unknown as FundLineDocument);
    return lines;
  }

  private emptyView(divisionCode: string, idleDays: number): DashboardView {
    const division = this.divisions.require(divisionCode);
    const doc = {
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
      householdCount: 0,
      projectCount: 0,
      findingCount: 0,
      updatedAt: '',
    } as unknown as DashboardDocument;
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
