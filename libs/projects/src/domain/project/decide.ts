import { validateIdNumber } from '@sunlight/geo';
import { assertAmountFen, fenToString, parseYuan } from '@sunlight/funds';
import { householdIdPattern } from '@sunlight/households';
import { assertNever, sameJson, validateCommandContext } from '@sunlight/kernel';
import { parseProjectId, projectIdFormat } from '../project-id';
import {
  ProjectAlreadyPlannedError,
  ProjectNotFoundError,
  ProjectRecordConflictError,
  ProjectWrongStatusError,
} from '../projects.errors';
import {
  beneficiariesMax,
  chinaDateOf,
  coordinatesProblem,
  creditCodeFormat,
  creditCodePattern,
  milestoneIdFormat,
  milestoneIdPattern,
  organisationLengthMax,
  outputLengthMax,
  outputsMax,
  personNameLengthMax,
  phoneFormat,
  phonePattern,
  projectFieldRules as rules,
  projectNameLengthMax,
  reasonsMax,
  remarksLengthMax,
  requireDate,
  requirePastDate,
  type Coordinates,
} from '../projects.validation';
import {
  acceptanceResults,
  projectCategories,
  projectDivisionLevels,
  type ProjectStatus,
} from '../vocabulary';
import type {
  AcceptProject,
  Beneficiaries,
  CompleteProject,
  PlanProject,
  ProjectCommand,
  ReachMilestone,
  SuspendProject,
} from './commands';
import type { ProjectEvent, ProjectPlanned } from './events';
import { addPhoto, recordPhotoCheck } from './decide-photo';
import type { ProjectState } from './state';

/*
 * Decides one command on one project. The order is the project's life: planned → milestones
 * (underway) → completed → accepted (合格) or failed (不合格, then completed again after
 * rectification); suspension ends it. A command that repeats what the stream holds decides
 * nothing, so a retried request writes nothing twice; the same id with other content is a 409.
 */
export function decideProject(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  validateCommandContext(command, rules);
  if (typeof command.projectId !== 'string' || parseProjectId(command.projectId) === undefined) {
    throw rules.invalid('projectId', `must be ${projectIdFormat}`);
  }
  const today = chinaDateOf(command.occurredAt);
  if (command.type === 'PlanProject') return plan(command, state);
  if (state.plan === undefined) throw new ProjectNotFoundError(command.projectId);
  switch (command.type) {
    case 'ReachMilestone':
      return reachMilestone(command, state, today);
    case 'CompleteProject':
      return complete(command, state, today);
    case 'AcceptProject':
      return accept(command, state, today);
    case 'SuspendProject':
      return suspend(command, state, today);
    case 'AddPhoto':
      return addPhoto(command, state);
    case 'RecordPhotoCheck':
      return recordPhotoCheck(command, state);
    default:
      return assertNever(command, 'project command');
  }
}

function plan(command: PlanProject, state: ProjectState): ProjectEvent[] {
  const divisionCode = rules.requirePattern(
    'divisionCode',
    command.divisionCode,
    /^\d{9}$|^\d{12}$/,
  );
  if (parseProjectId(command.projectId)?.divisionCode !== divisionCode) {
    throw rules.invalid('projectId', `must start with prj-${divisionCode}- (its division)`);
  }
  const divisionLevel = command.divisionLevel;
  if (divisionLevel === undefined || !projectDivisionLevels.includes(divisionLevel)) {
    throw rules.invalid('divisionCode', `${divisionCode} is not a known village or township`);
  }
  const budgetFen = parseYuan(command.budget, 'budget');
  assertAmountFen(budgetFen, 'budget', command.budget);
  const plannedStart = requireDate('plannedStart', command.plannedStart);
  const plannedEnd = requireDate('plannedEnd', command.plannedEnd);
  if (plannedEnd < plannedStart) {
    throw rules.invalid('plannedEnd', `must not be before plannedStart (${plannedStart})`);
  }
  const site = command.site === undefined ? undefined : requireSite(command.site);
  const event: ProjectPlanned = {
    type: 'ProjectPlanned',
    data: {
      projectId: command.projectId,
      divisionCode,
      divisionLevel,
      category: rules.requireOneOf('category', command.category, projectCategories),
      name: rules.requireText('name', command.name, projectNameLengthMax),
      budgetFen: fenToString(budgetFen),
      implementer: implementer(command.implementer),
      responsiblePerson: responsiblePerson(command.responsiblePerson),
      plannedStart,
      plannedEnd,
      beneficiaries: beneficiaries(command.beneficiaries, chinaDateOf(command.occurredAt)),
      expectedOutputs: textList(
        'expectedOutputs',
        command.expectedOutputs,
        outputsMax,
        outputLengthMax,
        1,
      ),
      ...(site === undefined ? {} : { site }),
    },
  };
  if (state.plan !== undefined) {
    const { projectId: _id, ...facts } = event.data;
    if (sameJson(facts, state.plan)) return [];
    throw new ProjectAlreadyPlannedError(command.projectId);
  }
  return [event];
}

function requireSite(value: unknown): Coordinates {
  const problem = coordinatesProblem(value);
  if (problem !== undefined) throw rules.invalid('site', problem);
  const { latitude, longitude } = value as Coordinates;
  return { latitude, longitude };
}

function implementer(value: PlanProject['implementer']): PlanProject['implementer'] {
  if (value === null || typeof value !== 'object')
    throw rules.invalid('implementer', 'is required');
  const name = rules.requireText('implementer.name', value.name, organisationLengthMax);
  if (value.creditCode === undefined) return { name };
  if (typeof value.creditCode !== 'string' || !creditCodePattern.test(value.creditCode)) {
    throw rules.invalid('implementer.creditCode', `must be ${creditCodeFormat}`);
  }
  return { name, creditCode: value.creditCode };
}

function responsiblePerson(
  value: PlanProject['responsiblePerson'],
): PlanProject['responsiblePerson'] {
  if (value === null || typeof value !== 'object') {
    throw rules.invalid('responsiblePerson', 'is required');
  }
  const name = rules.requireText('responsiblePerson.name', value.name, personNameLengthMax);
  if (value.phone === undefined) return { name };
  if (typeof value.phone !== 'string' || !phonePattern.test(value.phone)) {
    throw rules.invalid('responsiblePerson.phone', `must be ${phoneFormat}`);
  }
  return { name, phone: value.phone };
}

function beneficiaries(value: Beneficiaries, today: string): Beneficiaries {
  if (value === null || typeof value !== 'object') {
    throw rules.invalid('beneficiaries', 'must be {householdIds, idNumbers}');
  }
  const list = (field: string, items: unknown, check: (item: unknown) => string | undefined) => {
    if (!Array.isArray(items)) throw rules.invalid(field, 'must be a list (possibly empty)');
    if (items.length > beneficiariesMax) {
      throw rules.invalid(field, `must hold at most ${beneficiariesMax} entries`);
    }
    items.forEach((item, index) => {
      const problem = check(item);
      if (problem !== undefined) throw rules.invalid(`${field}[${index}]`, problem);
    });
    if (new Set(items).size !== items.length)
      throw rules.invalid(field, 'must not repeat an entry');
    return items as string[];
  };
  return {
    householdIds: list('beneficiaries.householdIds', value.householdIds, (item) =>
      typeof item === 'string' && householdIdPattern.test(item)
        ? undefined
        : 'must be a household id hh-<12-digit village code>-<n>',
    ),
    idNumbers: list('beneficiaries.idNumbers', value.idNumbers, (item) => {
      if (typeof item !== 'string') return 'must be an ID number';
      const checked = validateIdNumber(item, { today });
      if (!checked.ok) return checked.message;
      return checked.idNumber === item ? undefined : `must be written ${checked.idNumber}`;
    }),
  };
}

export function textList(
  field: string,
  value: unknown,
  itemsMax: number,
  lengthMax: number,
  itemsMin = 0,
): string[] {
  if (!Array.isArray(value)) throw rules.invalid(field, 'must be a list of texts');
  if (value.length < itemsMin || value.length > itemsMax) {
    throw rules.invalid(field, `must hold ${itemsMin} to ${itemsMax} entries`);
  }
  return value.map((item, index) => rules.requireText(`${field}[${index}]`, item, lengthMax));
}

function requireStatus(
  command: ProjectCommand,
  state: ProjectState,
  allowed: readonly ProjectStatus[],
): void {
  if (!allowed.includes(state.status)) {
    throw new ProjectWrongStatusError(command.projectId, command.type, state.status, allowed);
  }
}

function reachMilestone(
  command: ReachMilestone,
  state: ProjectState,
  today: string,
): ProjectEvent[] {
  const milestoneId = command.milestoneId;
  if (typeof milestoneId !== 'string' || !milestoneIdPattern.test(milestoneId)) {
    throw rules.invalid('milestoneId', `must be ${milestoneIdFormat}`);
  }
  const note = rules.optionalText('note', command.note, remarksLengthMax);
  const milestone = {
    name: rules.requireText('name', command.name, projectNameLengthMax),
    date: requirePastDate('date', command.date, today),
    ...(note === undefined ? {} : { note }),
  };
  const existing = state.milestones.get(milestoneId);
  if (existing !== undefined) {
    if (sameJson(existing, milestone)) return [];
    throw new ProjectRecordConflictError(
      command.projectId,
      'milestoneId',
      `Milestone ${milestoneId}`,
    );
  }
  requireStatus(command, state, ['planned', 'underway']);
  return [
    { type: 'MilestoneReached', data: { projectId: command.projectId, milestoneId, ...milestone } },
  ];
}

function complete(command: CompleteProject, state: ProjectState, today: string): ProjectEvent[] {
  const note = rules.optionalText('note', command.note, remarksLengthMax);
  const completion = {
    date: requirePastDate('date', command.date, today),
    ...(note === undefined ? {} : { note }),
  };
  if (state.status === 'completed' && sameJson(state.completion, completion)) return [];
  requireStatus(command, state, ['planned', 'underway', 'acceptance_failed']);
  return [{ type: 'ProjectCompleted', data: { projectId: command.projectId, ...completion } }];
}

function accept(command: AcceptProject, state: ProjectState, today: string): ProjectEvent[] {
  const acceptance = {
    acceptedBy: rules.requireText('acceptedBy', command.acceptedBy, organisationLengthMax),
    result: rules.requireOneOf('result', command.result, acceptanceResults),
    remarks: rules.requireText('remarks', command.remarks, remarksLengthMax),
    date: requirePastDate('date', command.date, today),
  };
  const decided = state.status === 'accepted' || state.status === 'acceptance_failed';
  if (decided && sameJson(state.acceptance, acceptance)) return [];
  requireStatus(command, state, ['completed']);
  if (state.completion !== undefined && acceptance.date < state.completion.date) {
    throw rules.invalid('date', `must not be before the completion (${state.completion.date})`);
  }
  return [{ type: 'ProjectAccepted', data: { projectId: command.projectId, ...acceptance } }];
}

function suspend(command: SuspendProject, state: ProjectState, today: string): ProjectEvent[] {
  const suspension = {
    reasons: textList('reasons', command.reasons, reasonsMax, remarksLengthMax, 1),
    date: requirePastDate('date', command.date, today),
  };
  if (state.status === 'suspended') {
    if (sameJson(state.suspension, suspension)) return [];
    throw new ProjectRecordConflictError(command.projectId, 'reasons', 'A suspension');
  }
  requireStatus(command, state, ['planned', 'underway', 'completed', 'acceptance_failed']);
  return [{ type: 'ProjectSuspended', data: { projectId: command.projectId, ...suspension } }];
}
