import type { ReadIndex } from '@sunlight/read-store';
import { dashboardCollections, dashboardsProjectionName } from './dashboards.projection';
import { paymentsCollection, paymentsProjectionName } from './payments.projection';

const childSortFields = [
  'receivedFen',
  'disbursedFen',
  'balanceFen',
  'inTransitFen',
  'pendingFen',
  'disbursementCount',
] as const;

/** The indexes the dashboards and history queries need, declared to whichever read store runs. */
export const fundsReadIndexes: readonly ReadIndex[] = [
  {
    projection: dashboardsProjectionName,
    collection: dashboardCollections.dashboards,
    fields: ['parentCode', 'divisionCode'],
  },
  ...childSortFields.map((field) => ({
    projection: dashboardsProjectionName,
    collection: dashboardCollections.dashboards,
    fields: ['parentCode', { name: `sort.${field}`, type: 'number' as const }],
  })),
  {
    projection: dashboardsProjectionName,
    collection: dashboardCollections.dashboardFunds,
    fields: ['divisionCode', 'fundId'],
  },
  {
    projection: dashboardsProjectionName,
    collection: dashboardCollections.pools,
    fields: ['holdsMoney', 'divisionCode', 'oldestLotAt'],
  },
  {
    projection: paymentsProjectionName,
    collection: paymentsCollection,
    fields: ['idNumber', 'requestedPosition'],
  },
  // The household card's payments to the household itself (beneficiary kind household): without
  // it, every card request read the whole payments collection.
  {
    projection: paymentsProjectionName,
    collection: paymentsCollection,
    fields: ['beneficiaryId', 'beneficiaryKind', 'requestedPosition'],
  },
];
