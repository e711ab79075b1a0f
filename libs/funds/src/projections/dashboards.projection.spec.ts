// Proves the dashboards roll every level's subtree up from real ledger events: internal allocations cancel, in-transit clears on receipt, failures, rejections and returns net out, distinct beneficiaries count once, and idle money is dated first in, first out.
import type { RecordedEvent } from '@sunlight/event-store';
import { loadDivisionRegistry } from '@sunlight/geo';
import type { ReadDocument } from '@sunlight/read-store';
import {
  dashboardCollections,
  type DashboardDocument,
  type DashboardFundDocument,
  dashboardFundId,
  dashboardsProjection,
} from './dashboards.projection';
import {
  dashboardFundsQuery,
  dashboardView,
  idleCutoff,
  idlePoolsQuery,
  idleScanFinished,
  idleSummary,
} from './dashboards.view';
import { distinctSize } from './distinct-count';
import { addFigures, type Figures, zeroFigures } from './figures';
import type { FundLineDocument } from './fund-lines';
import type { PoolDocument } from './pool-account';
import { documentOf, documentsOf, findDocuments, foldProjection } from './testing/fold';
import {
  dasuVillage,
  fuyuan,
  fundA,
  fundB,
  huize,
  province,
  qujing,
  season,
  yingshang,
  yingshangVillage,
} from './testing/scenario';

const registry = loadDivisionRegistry();
const projection = dashboardsProjection(registry);

/** Figures in yuan, as numbers, so expectations read like a ledger. */
function inYuan(figures: Figures) {
  const yuan = (fen: string) => Number(BigInt(fen)) / 100;
  return {
    received: yuan(figures.receivedFen),
    allocatedDown: yuan(figures.allocatedDownFen),
    inTransit: yuan(figures.inTransitFen),
    pending: yuan(figures.pendingFen),
    disbursed: yuan(figures.disbursedFen),
    returned: yuan(figures.returnedFen),
    balance: yuan(figures.balanceFen),
    disbursements: figures.disbursementCount,
  };
}

const dashboard = (documents: Map<string, ReadDocument>, code: string) =>
  documentOf<DashboardDocument>(documents, dashboardCollections.dashboards, code);
const fundDashboard = (documents: Map<string, ReadDocument>, code: string, fundId: string) =>
  documentOf<DashboardFundDocument>(
    documents,
    dashboardCollections.dashboardFunds,
    dashboardFundId(code, fundId),
  );

function pagesOf<Document>(
  documents: Map<string, ReadDocument>,
  collection: string,
  queryAt: (offset: number) => Parameters<typeof findDocuments>[2],
): Document[] {
  const all: Document[] = [];
  for (let offset = 0; ;) {
    const page = findDocuments<Document>(documents, collection, queryAt(offset)).items;
    all.push(...page);
    offset += page.length;
    if (page.length < queryAt(offset).limit) return all;
  }
}

describe('dashboards projection', () => {
  const scenario = season(registry);
  const beforeReceipt = [...scenario.ledger.events];
  scenario.receiveHuize();
  const allEvents = scenario.ledger.events;
  const documents = foldProjection(projection, allEvents);
  const inTransitDocuments = foldProjection(projection, beforeReceipt);

  it('keeps one dashboard per division money reached, villages included, and none elsewhere', () => {
    const codes = documentsOf<DashboardDocument>(documents, dashboardCollections.dashboards).map(
      (doc) => [doc.divisionCode, doc.level],
    );
    expect(codes).toEqual([
      [province, 'province'],
      [qujing, 'prefecture'],
      [fuyuan, 'county'],
      [yingshang, 'township'],
      [yingshangVillage, 'village'],
      [dasuVillage, 'village'],
      [huize, 'county'],
    ]);
    expect(dashboard(documents, yingshang)).toMatchObject({
      divisionName: '营上镇',
      parentCode: fuyuan,
      householdCount: 0,
      projectCount: 0,
      findingCount: 0,
    });
  });

  it('rolls a township up from its own pools and its villages, each movement counted once', () => {
    // FA: 800,000 in from Fuyuan, 150,000 sent down to villages (internal), 10,000 + 3,000 + 2,000
    // disbursed (李四's failed payment nets out, 王五's rejection never counted), 2,000 + 3,000 returned.
    // FB: 200,000 in, 20,000 to 李四.
    expect(inYuan(dashboard(documents, yingshang).totals)).toEqual({
      received: 1_000_000,
      allocatedDown: 150_000,
      inTransit: 0,
      pending: 0,
      disbursed: 35_000,
      returned: 5_000,
      balance: 970_000,
      disbursements: 4,
    });
    expect(inYuan(dashboard(documents, yingshangVillage).totals)).toEqual({
      received: 100_000,
      allocatedDown: 0,
      inTransit: 0,
      pending: 0,
      disbursed: 3_000,
      returned: 3_000,
      balance: 100_000,
      disbursements: 1,
    });
  });

  it('rolls counties, the prefecture and the province up, with internal allocations cancelling', () => {
    expect(inYuan(dashboard(documents, fuyuan).totals)).toEqual({
      received: 2_500_000,
      allocatedDown: 1_000_000,
      inTransit: 0,
      pending: 0,
      disbursed: 35_000,
      returned: 5_000,
      balance: 2_470_000,
      disbursements: 4,
    });
    expect(inYuan(dashboard(documents, huize).totals)).toMatchObject({
      received: 1_500_000,
      balance: 1_500_000,
    });
    expect(inYuan(dashboard(documents, qujing).totals)).toEqual({
      received: 6_500_000,
      allocatedDown: 3_500_000,
      inTransit: 0,
      pending: 0,
      disbursed: 35_000,
      returned: 5_000,
      balance: 6_470_000,
      disbursements: 4,
    });
    // The province received only the two appropriations: every allocation stayed inside it.
    expect(inYuan(dashboard(documents, province).totals)).toEqual({
      received: 10_500_000,
      allocatedDown: 6_000_000,
      inTransit: 0,
      pending: 0,
      disbursed: 35_000,
      returned: 5_000,
      balance: 10_470_000,
      disbursements: 4,
    });
  });

  it('shows an allocation in transit at the sender and its ancestors until it is received', () => {
    for (const code of [qujing, province]) {
      expect(inYuan(dashboard(inTransitDocuments, code).totals)).toMatchObject({
        inTransit: 1_500_000,
      });
      expect(inYuan(dashboard(documents, code).totals)).toMatchObject({ inTransit: 0 });
    }
    expect(inYuan(dashboard(inTransitDocuments, province).totals)).toMatchObject({
      received: 10_500_000,
      balance: 8_970_000,
    });
    expect(inTransitDocuments.has(`${dashboardCollections.dashboards}/${huize}`)).toBe(false);
    const sender = documentOf<PoolDocument>(
      inTransitDocuments,
      dashboardCollections.pools,
      `${fundA}.${qujing}`,
    );
    expect(inYuan(sender.figures)).toMatchObject({
      allocatedDown: 3_500_000,
      inTransit: 1_500_000,
    });
    expect(
      inYuan(
        documentOf<PoolDocument>(documents, dashboardCollections.pools, `${fundA}.${qujing}`)
          .figures,
      ),
    ).toMatchObject({
      inTransit: 0,
    });
  });

  it('counts money awaiting approval as pending until it is decided', () => {
    const { ledger } = season(registry);
    ledger.request(
      fundA,
      yingshang,
      'd9',
      { kind: 'person', id: 'person-9', name: '赵六', idNumber: '530325199001010011' },
      4_000_00n,
    );
    const pending = foldProjection(projection, ledger.events);
    for (const code of [yingshang, fuyuan, qujing, province]) {
      expect(inYuan(dashboard(pending, code).totals)).toMatchObject({ pending: 4_000 });
    }
    expect(inYuan(dashboard(pending, yingshang).totals)).toMatchObject({
      balance: 966_000,
      disbursements: 4,
    });
    const pool = (documents: Map<string, ReadDocument>) =>
      documentOf<PoolDocument>(documents, dashboardCollections.pools, `${fundA}.${yingshang}`);
    expect(pool(pending).awaitingApproval.map(([transferId]) => transferId)).toEqual(['d9']);
    ledger.reject(fundA, yingshang, 'd9');
    const decided = foldProjection(projection, ledger.events);
    expect(inYuan(dashboard(decided, yingshang).totals)).toMatchObject({
      pending: 0,
      balance: 970_000,
    });
    expect(pool(decided).awaitingApproval).toEqual([]);
    // A rejected request never counts its beneficiary.
    expect(distinctSize(fundDashboard(decided, province, fundA).beneficiaries)).toEqual(
      distinctSize(fundDashboard(pending, province, fundA).beneficiaries),
    );
  });

  it('breaks every level down per fund, and the funds add up to the totals', () => {
    expect(inYuan(fundDashboard(documents, yingshang, fundA).figures)).toEqual({
      received: 800_000,
      allocatedDown: 150_000,
      inTransit: 0,
      pending: 0,
      disbursed: 15_000,
      returned: 5_000,
      balance: 790_000,
      disbursements: 3,
    });
    expect(inYuan(fundDashboard(documents, fuyuan, fundB).figures)).toEqual({
      received: 500_000,
      allocatedDown: 200_000,
      inTransit: 0,
      pending: 0,
      disbursed: 20_000,
      returned: 0,
      balance: 480_000,
      disbursements: 1,
    });
    // Qujing's own pools never held FB: it appears there only through Fuyuan.
    expect(inYuan(fundDashboard(documents, qujing, fundB).figures)).toMatchObject({
      received: 500_000,
      allocatedDown: 0,
    });
    expect(inYuan(fundDashboard(documents, province, fundA).figures)).toMatchObject({
      received: 10_000_000,
      allocatedDown: 6_000_000,
    });
    for (const doc of documentsOf<DashboardDocument>(documents, dashboardCollections.dashboards)) {
      const funds = findDocuments<DashboardFundDocument>(
        documents,
        dashboardCollections.dashboardFunds,
        dashboardFundsQuery(doc.divisionCode),
      ).items;
      expect(funds.map((fund) => fund.figures).reduce(addFigures, zeroFigures())).toEqual(
        doc.totals,
      );
    }
  });

  it('counts distinct beneficiaries once per subtree: 张三 paid in the town and two villages is one person', () => {
    const count = (code: string, fundId: string) =>
      distinctSize(fundDashboard(documents, code, fundId).beneficiaries);
    expect(count(yingshangVillage, fundA)).toEqual({ value: 1, exact: true });
    expect(count(dasuVillage, fundA)).toEqual({ value: 1, exact: true });
    // 张三 three times, 李四 (approved, then the payment failed) once; 王五 was rejected.
    expect(count(yingshang, fundA)).toEqual({ value: 2, exact: true });
    expect(count(province, fundA)).toEqual({ value: 2, exact: true });
    expect(count(province, fundB)).toEqual({ value: 1, exact: true });
  });

  it('keeps a fund line document with its purpose and fiscal year', () => {
    expect(
      documentOf<FundLineDocument>(documents, dashboardCollections.fundLines, fundB),
    ).toMatchObject({
      fundId: fundB,
      purposeCategory: '危房改造',
      fiscalYear: 2023,
      source: '县级财政',
      appropriation: { divisionCode: fuyuan, amountFen: '50000000' },
      createdBy: 'u-maker',
    });
  });

  it('dates idle money first in, first out: what is spent is the oldest money', () => {
    const pool = documentOf<PoolDocument>(
      documents,
      dashboardCollections.pools,
      `${fundA}.${yingshang}`,
    );
    // 800,000 arrived on day 10; 150,000 + 23,000 left from it on days 12 and 15; 王五's rejected
    // 5,000 and 李四's failed 8,000 came back on day 15, the 2,000 recovered on day 20.
    expect(pool.lots).toEqual([
      ['2024-03-11T01:00:00.000Z', '62700000'],
      ['2024-03-16T01:00:00.000Z', '1300000'],
      ['2024-03-21T01:00:00.000Z', '200000'],
    ]);
    expect(pool).toMatchObject({ oldestLotAt: '2024-03-11T01:00:00.000Z', holdsMoney: true });
  });

  it('finds idle money under a division at query time, for a fixed now and N', () => {
    const nowIso = '2024-04-10T12:00:00.000Z';
    const idleAt = (code: string, idleDays: number) => {
      const cutoffIso = idleCutoff(nowIso, idleDays);
      const scanned: PoolDocument[] = [];
      for (let offset = 0; ;) {
        const page = findDocuments<PoolDocument>(documents, dashboardCollections.pools, {
          ...idlePoolsQuery(code, offset),
          limit: 2,
        }).items;
        scanned.push(...page);
        offset += page.length;
        if (idleScanFinished(page, cutoffIso, 2)) break;
      }
      const idle = idleSummary(scanned, cutoffIso);
      return {
        total: Number(idle.idleFen) / 100,
        byFund: Object.fromEntries(
          [...idle.byFund].map(([fundId, fen]) => [fundId, Number(fen) / 100]),
        ),
      };
    };
    // Older than 30 days on 10 April: FA at the province 4,000,000 (day 0), Qujing 2,500,000 (day 2),
    // Fuyuan 1,200,000 (day 5), Yingshang 627,000 (day 10); FB at Fuyuan 300,000 (day 1), Yingshang 180,000 (day 3).
    expect(idleAt(province, 30)).toEqual({
      total: 8_807_000,
      byFund: { [fundA]: 8_327_000, [fundB]: 480_000 },
    });
    expect(idleAt(fuyuan, 30)).toEqual({
      total: 2_307_000,
      byFund: { [fundA]: 1_827_000, [fundB]: 480_000 },
    });
    expect(idleAt(yingshangVillage, 30)).toEqual({ total: 0, byFund: {} });
    // With N = 5 everything still in a pool has waited long enough.
    expect(idleAt(province, 5).total).toBe(10_470_000);
    expect(idleAt(province, 60).total).toBe(0);
  });

  it('answers the dashboard view in yuan, per fund, per purpose and per fiscal year', () => {
    const funds = pagesOf<DashboardFundDocument>(
      documents,
      dashboardCollections.dashboardFunds,
      (offset) => dashboardFundsQuery(fuyuan, offset),
    );
    const fundLines = new Map(
      documentsOf<FundLineDocument>(documents, dashboardCollections.fundLines).map(
        (line) => [line.fundId, line] as const,
      ),
    );
    const nowIso = '2024-04-10T12:00:00.000Z';
    const idlePools = findDocuments<PoolDocument>(
      documents,
      dashboardCollections.pools,
      idlePoolsQuery(fuyuan),
    ).items;
    const view = dashboardView(dashboard(documents, fuyuan), {
      nowIso,
      idleDays: 30,
      funds,
      fundLines,
      idlePools,
    });
    expect(view).toMatchObject({
      divisionCode: fuyuan,
      divisionName: '富源县',
      level: 'county',
      asOf: nowIso,
      idleDays: 30,
      idleComplete: true,
      householdCount: 0,
      totals: {
        received: '2500000.00',
        allocatedDown: '1000000.00',
        disbursed: '35000.00',
        returned: '5000.00',
        pending: '0.00',
        inTransit: '0.00',
        balance: '2470000.00',
        idle: '2307000.00',
        disbursementCount: 4,
        // 张三 and 李四, who was paid by both funds.
        beneficiaryCount: 2,
        beneficiaryCountExact: true,
      },
    });
    expect(
      view.byFund.map((fund) => [
        fund.fundId,
        fund.purposeCategory,
        fund.fiscalYear,
        fund.balance,
        fund.idle,
      ]),
    ).toEqual([
      [fundA, '产业发展', 2024, '1990000.00', '1827000.00'],
      [fundB, '危房改造', 2023, '480000.00', '480000.00'],
    ]);
    expect(
      view.byPurpose.map((group) => [
        group.purposeCategory,
        group.received,
        group.beneficiaryCount,
      ]),
    ).toEqual([
      ['产业发展', '2000000.00', 2],
      ['危房改造', '500000.00', 1],
    ]);
    expect(
      view.byFiscalYear.map((group) => [group.fiscalYear, group.disbursed, group.idle]),
    ).toEqual([
      [2023, '20000.00', '480000.00'],
      [2024, '15000.00', '1827000.00'],
    ]);
    expect(view.lastPosition).toBe(dashboard(documents, fuyuan).lastPosition);
  });

  it('applies nothing twice: replaying events a document already holds changes nothing', () => {
    const half = foldProjection(projection, allEvents.slice(0, 40));
    expect(foldProjection(projection, allEvents, half)).toEqual(documents);
    expect(foldProjection(projection, allEvents, documents)).toEqual(documents);
  });

  it('ignores payments settling, events it does not know and other streams', () => {
    const paid = allEvents.find((event) => event.type === 'DisbursementPaid');
    expect(paid && projection.keysOf(paid)).toEqual([]);
    const stranger: RecordedEvent = { ...allEvents[2], type: 'PoolRenamed' };
    expect(projection.keysOf(stranger)).toEqual([]);
    const household: RecordedEvent = {
      ...allEvents[2],
      streamName: 'household-530325102202-0001',
      type: 'HouseholdRegistered',
    };
    expect(projection.keysOf(household)).toEqual([]);
  });
});
