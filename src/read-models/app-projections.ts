import { fundsProjections, fundsReadIndexes } from '@sunlight/funds';
import type { DivisionRegistry } from '@sunlight/geo';
import { householdsProjections, householdsReadIndexes } from '@sunlight/households';
import { oversightProjections, oversightReadIndexes } from '@sunlight/oversight';
import { projectsProjections, projectsReadIndexes } from '@sunlight/projects';
import type { Projection, ReadIndex } from '@sunlight/read-store';

/** Every context's projections, as the app, the CLI and the rebuild workers run them. */
export function appProjections(registry: DivisionRegistry): Projection[] {
  return [
    ...fundsProjections(registry),
    ...householdsProjections,
    ...projectsProjections,
    ...oversightProjections,
  ];
}

/** Every index the contexts' queries need, declared when the read store is opened. */
export const appReadIndexes: readonly ReadIndex[] = [
  ...fundsReadIndexes,
  ...householdsReadIndexes,
  ...projectsReadIndexes,
  ...oversightReadIndexes,
];
