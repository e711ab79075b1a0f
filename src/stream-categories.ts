import type { StreamCategory } from '@sunlight/audit';
import { fundsStreamCategories } from '@sunlight/funds';
import { geoStreamCategories } from '@sunlight/geo';
import { householdsStreamCategories } from '@sunlight/households';
import { integratorsStreamCategories } from '@sunlight/integrators';
import { oversightStreamCategories } from '@sunlight/oversight';
import { projectsStreamCategories } from '@sunlight/projects';
import { rostersStreamCategories } from '@sunlight/rosters';

/**
 * Every stream category the contexts write, with the division each stream belongs to: the audit
 * module's access checks and `sunlight export`'s choice of whose events go in full both use it.
 */
export const appStreamCategories: readonly StreamCategory[] = [
  ...fundsStreamCategories,
  ...geoStreamCategories,
  ...householdsStreamCategories,
  ...integratorsStreamCategories,
  ...oversightStreamCategories,
  ...projectsStreamCategories,
  ...rostersStreamCategories,
];
