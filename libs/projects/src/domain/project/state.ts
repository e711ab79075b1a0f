import type { ProjectStatus } from '../vocabulary';
import type {
  MilestoneReached,
  PhotoAdded,
  ProjectAccepted,
  ProjectCompleted,
  ProjectPlanned,
  ProjectSuspended,
} from './events';

/*
 * A project as its decider needs it: the plan, the status, the milestones by id, the last
 * completion, acceptance and suspension (so a repeat is recognised), and the photos by SHA-256
 * with whether each was checked.
 */

export type Plan = Omit<ProjectPlanned['data'], 'projectId'>;
export type Milestone = Omit<MilestoneReached['data'], 'projectId' | 'milestoneId'>;
export type Completion = Omit<ProjectCompleted['data'], 'projectId'>;
export type Acceptance = Omit<ProjectAccepted['data'], 'projectId'>;
export type Suspension = Omit<ProjectSuspended['data'], 'projectId'>;
export type Photo = Omit<PhotoAdded['data'], 'projectId'> & { readonly checked: boolean };

export interface ProjectState {
  readonly plan: Plan | undefined;
  readonly status: ProjectStatus;
  readonly milestones: ReadonlyMap<string, Milestone>;
  readonly completion: Completion | undefined;
  readonly acceptance: Acceptance | undefined;
  readonly suspension: Suspension | undefined;
  readonly photos: ReadonlyMap<string, Photo>;
}

export function initialProjectState(): ProjectState {
  return {
    plan: undefined,
    status: 'planned',
    milestones: new Map(),
    completion: undefined,
    acceptance: undefined,
    suspension: undefined,
    photos: new Map(),
  };
}
