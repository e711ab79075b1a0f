export { fundsProjections } from './projections';
export {
  dashboardCollections,
  dashboardFundId,
  dashboardsProjection,
  dashboardsProjectionName,
  dashboardsProjectionVersion,
  type DashboardDocument,
  type DashboardFundDocument,
} from './dashboards.projection';
export {
  breakdownByPurposeAndYear,
  dashboardFundsQuery,
  dashboardView,
  figuresView,
  idleCutoff,
  idleDaysDefault,
  idleDaysMax,
  idlePoolsQuery,
  idleScanFinished,
  idleSummary,
  type Breakdown,
  type DashboardView,
  type DashboardViewInput,
  type FiguresView,
  type IdleSummary,
} from './dashboards.view';
export {
  paymentIdOf,
  paymentsByIdNumberQuery,
  paymentsCollection,
  paymentsProjection,
  paymentsProjectionName,
  paymentsProjectionVersion,
  type PaymentDocument,
  type PaymentReturn,
} from './payments.projection';
export { type FundLineDocument } from './fund-lines';
export { poolLotsMax, type Lot, type PoolDocument } from './pool-account';
export { type Figures } from './figures';
export {
  distinctKeysExactMax,
  distinctSize,
  mergeDistinct,
  type DistinctCount,
} from './distinct-count';
export { fundsReadIndexes } from './read-indexes';
