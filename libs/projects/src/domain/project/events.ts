import type { DomainEvent } from '@sunlight/kernel';
import type { Coordinates } from '../projects.validation';
import type { AcceptanceResult, ProjectCategory, ProjectDivisionLevel } from '../vocabulary';
import type { Beneficiaries, Implementer, ResponsiblePerson } from './commands';
import type { PhotoCheckFacts, PhotoFacts } from './photo-facts';

/*
 * The events of a project (扶贫项目). Each names its project, so projections need not parse
 * stream names; the budget is a digit string of fen. Who recorded it and when is in the metadata.
 */

export interface ProjectEventBase {
  readonly projectId: string;
}

export type ProjectPlanned = DomainEvent<
  'ProjectPlanned',
  ProjectEventBase & {
    readonly divisionCode: string;
    readonly divisionLevel: ProjectDivisionLevel;
    readonly category: ProjectCategory;
    readonly name: string;
    readonly budgetFen: string;
    readonly implementer: Implementer;
    readonly responsiblePerson: ResponsiblePerson;
    readonly plannedStart: string;
    readonly plannedEnd: string;
    readonly beneficiaries: Beneficiaries;
    readonly expectedOutputs: readonly string[];
    readonly site?: Coordinates;
  }
>;

export type MilestoneReached = DomainEvent<
  'MilestoneReached',
  ProjectEventBase & {
    readonly milestoneId: string;
    readonly name: string;
    readonly date: string;
    readonly note?: string;
  }
>;

export type ProjectCompleted = DomainEvent<
  'ProjectCompleted',
  ProjectEventBase & { readonly date: string; readonly note?: string }
>;

export type ProjectAccepted = DomainEvent<
  'ProjectAccepted',
  ProjectEventBase & {
    readonly acceptedBy: string;
    readonly result: AcceptanceResult;
    readonly remarks: string;
    readonly date: string;
  }
>;

export type ProjectSuspended = DomainEvent<
  'ProjectSuspended',
  ProjectEventBase & { readonly reasons: readonly string[]; readonly date: string }
>;

export type PhotoAdded = DomainEvent<'PhotoAdded', ProjectEventBase & PhotoFacts>;

export type PhotoChecked = DomainEvent<'PhotoChecked', ProjectEventBase & PhotoCheckFacts>;

export type ProjectEvent =
  | ProjectPlanned
  | MilestoneReached
  | ProjectCompleted
  | ProjectAccepted
  | ProjectSuspended
  | PhotoAdded
  | PhotoChecked;

export const projectEventTypes = [
  'ProjectPlanned',
  'MilestoneReached',
  'ProjectCompleted',
  'ProjectAccepted',
  'ProjectSuspended',
  'PhotoAdded',
  'PhotoChecked',
] as const satisfies readonly ProjectEvent['type'][];
