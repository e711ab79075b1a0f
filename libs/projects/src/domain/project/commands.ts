import type { CommandContext } from '@sunlight/kernel';
import type { Coordinates } from '../projects.validation';
import type { AcceptanceResult, ProjectCategory, ProjectDivisionLevel } from '../vocabulary';
import type { PhotoCheckFacts, PhotoFacts } from './photo-facts';

/*
 * The commands on one project's stream. Every one names its project, carries the actor and the
 * business time, and is checked by `decide` as a backstop behind the HTTP DTOs. Facts the pure
 * decider cannot look up (is this a known village or township) are looked up by the application
 * and handed in.
 */

export interface ProjectCommandBase extends CommandContext {
  readonly projectId: string;
}

export interface Implementer {
  /** The unit or contractor (实施单位). */
  readonly name: string;
  /** Its unified social credit code, where it has one. */
  readonly creditCode?: string;
}

export interface ResponsiblePerson {
  readonly name: string;
  readonly phone?: string;
}

/** Who the project is meant to benefit: household ids where registered, otherwise ID numbers. */
export interface Beneficiaries {
  readonly householdIds: readonly string[];
  readonly idNumbers: readonly string[];
}

export interface ProjectPlan {
  readonly divisionCode: string;
  readonly category: ProjectCategory;
  readonly name: string;
  /** Yuan as a decimal string, "180000.00". */
  readonly budget: string;
  readonly implementer: Implementer;
  readonly responsiblePerson: ResponsiblePerson;
  readonly plannedStart: string;
  readonly plannedEnd: string;
  readonly beneficiaries: Beneficiaries;
  readonly expectedOutputs: readonly string[];
  /** Where the work is, when known: the photos' GPS is measured against it. */
  readonly site?: Coordinates;
}

export interface PlanProject extends ProjectCommandBase, ProjectPlan {
  readonly type: 'PlanProject';
  /** Reference data the application looked up: the division's level, or undefined if unknown. */
  readonly divisionLevel: ProjectDivisionLevel | undefined;
}

export interface ReachMilestone extends ProjectCommandBase {
  readonly type: 'ReachMilestone';
  readonly milestoneId: string;
  readonly name: string;
  readonly date: string;
  readonly note?: string;
}

export interface CompleteProject extends ProjectCommandBase {
  readonly type: 'CompleteProject';
  readonly date: string;
  readonly note?: string;
}

export interface AcceptProject extends ProjectCommandBase {
  readonly type: 'AcceptProject';
  /** Who inspected it (验收单位或人员). */
  readonly acceptedBy: string;
  readonly result: AcceptanceResult;
  readonly remarks: string;
  readonly date: string;
}

export interface SuspendProject extends ProjectCommandBase {
  readonly type: 'SuspendProject';
  readonly reasons: readonly string[];
  readonly date: string;
}

export interface AddPhoto extends ProjectCommandBase, PhotoFacts {
  readonly type: 'AddPhoto';
}

export interface RecordPhotoCheck extends ProjectCommandBase, PhotoCheckFacts {
  readonly type: 'RecordPhotoCheck';
}

export type ProjectCommand =
  | PlanProject
  | ReachMilestone
  | CompleteProject
  | AcceptProject
  | SuspendProject
  | AddPhoto
  | RecordPhotoCheck;
