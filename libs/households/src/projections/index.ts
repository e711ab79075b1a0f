import type { Projection } from '@sunlight/read-store';
import { householdDashboardsProjection } from './household-dashboards.projection';
import { householdsProjection } from './households.projection';

export * from './households.projection';
export * from './read-indexes';
export * from './household-dashboards.projection';

/** The households context's projections, for the runner to register. */
export const householdsProjections: readonly Projection[] = [
  householdsProjection,
  householdDashboardsProjection,
];
