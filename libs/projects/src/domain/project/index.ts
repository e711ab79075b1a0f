import type { Decider } from '@sunlight/kernel';
import type { ProjectCommand } from './commands';
import { decideProject } from './decide';
import type { ProjectEvent } from './events';
import { evolveProject } from './evolve';
import { initialProjectState, type ProjectState } from './state';

export * from './commands';
export * from './events';
export * from './state';
export * from './outcomes';
export * from './photo-facts';
export { photoPixelsMax } from './decide-photo';
export { decideProject } from './decide';
export { evolveProject } from './evolve';

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: initialProjectState,
  decide: decideProject,
  evolve: evolveProject,
};
