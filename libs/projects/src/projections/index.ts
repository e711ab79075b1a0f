import type { Projection } from '@sunlight/read-store';
import { projectsProjection } from './projects.projection';

export * from './projects.projection';
export * from './read-indexes';

/** The projects context's projections, for the runner to register. */
export const projectsProjections: readonly Projection[] = [projectsProjection];
