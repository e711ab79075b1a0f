import type { DivisionRegistry } from '@sunlight/geo';
import type { Projection } from '@sunlight/read-store';
import { dashboardsProjection } from './dashboards.projection';
import { paymentsProjection } from './payments.projection';

/** The funds context's projections, for the runner to register. */
export function fundsProjections(registry: DivisionRegistry): Projection[] {
  return [dashboardsProjection(registry), paymentsProjection];
}
