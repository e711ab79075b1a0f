import { paymentsCollection, paymentsProjectionName } from '@sunlight/funds';
import type { ReadIndex } from '@sunlight/read-store';
import { projectsCollections, projectsProjectionName } from './projects.projection';

/** The indexes the project queries need, declared to whichever read store runs. */
export const projectsReadIndexes: readonly ReadIndex[] = [
  {
    projection: projectsProjectionName,
    collection: projectsCollections.projects,
    fields: ['divisionCode'],
  },
  {
    projection: projectsProjectionName,
    collection: projectsCollections.projects,
    fields: ['category', 'divisionCode'],
  },
  {
    projection: projectsProjectionName,
    collection: projectsCollections.projects,
    fields: ['status', 'divisionCode'],
  },
  // The project view finds the payments made to the project (the households card declares the same).
  {
    projection: paymentsProjectionName,
    collection: paymentsCollection,
    fields: ['beneficiaryId', 'requestedPosition'],
  },
];
