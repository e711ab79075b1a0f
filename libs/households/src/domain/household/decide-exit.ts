import { evaluateExit } from '../exit-criteria';
import {
  ExitNotAllowedError,
  ExitStepOutOfOrderError,
  householdFieldRulesForExit as rules,
  NoExitCriteriaError,
} from './exit-errors';
import {
  descriptionLengthMax,
  isRealDate,
  recordIdPattern,
  requirePastDate,
  requireYear,
  incomeYearMin,
} from '../households.validation';
import { exitNoticeDaysMin, exitSteps, povertyCauses, type ExitStep } from '../vocabulary';
import type { EvaluateExit, RecordExitStep, ReturnToPoverty } from './commands';
import type { ExitStepEvent } from './events';
import { exitStepEventTypes } from './events';
import type { HouseholdEvent } from './events';
import type { HouseholdState, RecordedStep } from './state';

/*
 * The exit decisions: an evaluation against the criteria in force, the five procedure steps in
 * order (a step out of order is a 409), each by a role at its level (403 otherwise), and the
 * return to poverty that re-opens an exited household.
 */

/** Who may record each step: the roles (admin passes) and the lengths of their divisions' codes. */
const stepAuthority: Readonly<
  Record<ExitStep, { roles: readonly string[]; levels: readonly number[]; at: string }>
> = {
  申请: { roles: ['village_staff'], levels: [12, 9], at: 'the village or township' },
  村评议: { roles: ['village_staff'], levels: [12, 9], at: 'the village or township' },
  乡镇审核: { roles: ['village_staff', 'finance'], levels: [9], at: 'the township' },
  公示: { roles: ['village_staff'], levels: [12, 9], at: 'the village or township' },
  县审批: { roles: ['finance', 'approver'], levels: [6], at: 'the county' },
};

const dayMs = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

export function evaluate(
  command: EvaluateExit,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  if (typeof command.evaluationId !== 'string' || !recordIdPattern.test(command.evaluationId)) {
    throw rules.invalid('evaluationId', 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
  }
  const year = requireYear('year', command.year, incomeYearMin, today);
  const existing = state.evaluations.get(command.evaluationId);
  if (existing !== undefined) {
    if (existing.year === year) return [];
    throw new ExitStepOutOfOrderError(
      `evaluation ${command.evaluationId} was made for ${existing.year}`,
      'evaluationId',
    );
  }
  const criteria = command.criteria;
  if (criteria === undefined) throw new NoExitCriteriaError(year);
  const result = evaluateExit(state, criteria, year);
  return [
    {
      type: 'ExitEvaluated',
      data: {
        householdId: command.householdId,
        evaluationId: command.evaluationId,
        year,
        criteriaVersion: criteria.version,
        met: result.met,
        failed: result.failed,
        perCapitaNetIncome: result.perCapitaNetIncome,
      },
    },
  ];
}

export function recordExitStep(
  command: RecordExitStep,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const step = rules.requireOneOf('step', command.step, exitSteps);
  const authority = stepAuthority[step];
  const { role, division } = command.actor;
  if (
    (role !== 'admin' && !authority.roles.includes(role)) ||
    !authority.levels.includes(division.length)
  ) {
    throw new ExitNotAllowedError(step, `${authority.roles.join(' or ')} at ${authority.at}`);
  }
  const date = requirePastDate('date', command.date, today);
  const note = rules.optionalText('note', command.note, descriptionLengthMax);
  const index = exitSteps.indexOf(step);
  const procedure = state.procedure;
  const done =
    state.status === 'exiting' || state.status === 'exited' ? (procedure?.steps ?? []) : [];
  const recorded = done[index];
  const wanted = stepRecord(command, step, date, note, today);
  if (recorded !== undefined) {
    if (
      sameStep(recorded, wanted) &&
      (step !== '申请' || procedure?.evaluationId === command.evaluationId)
    )
      return [];
    throw new ExitStepOutOfOrderError(`${step} is already recorded for this procedure`, 'step');
  }
  if (done.length !== index) {
    const next = exitSteps[done.length];
    throw new ExitStepOutOfOrderError(
      next === undefined
        ? 'the household has exited; a new procedure follows a return to poverty'
        : `the next step is ${next}`,
      'step',
    );
  }
  const previous = done.at(-1);
  if (previous !== undefined && date < previous.date) {
    throw rules.invalid('date', `must not be before the previous step (${previous.date})`);
  }
  const base = { householdId: command.householdId, date, ...(note === undefined ? {} : { note }) };
  if (step === '申请') return [apply(command, state, base)];
  const year = procedure?.year as number;
  if (step === '县审批' && previous?.endDate !== undefined && date <= previous.endDate) {
    throw rules.invalid('date', `must be after the public notice ends (${previous.endDate})`);
  }
  const type = exitStepEventTypes[step];
  const event = (
    type === 'ExitNoticePublished'
      ? { type, data: { ...base, year, endDate: wanted.endDate as string } }
      : { type, data: { ...base, year } }
  ) as ExitStepEvent;
  return [event];
}

function apply(
  command: RecordExitStep,
  state: HouseholdState,
  base: { householdId: string; date: string; note?: string },
): ExitStepEvent {
  if (state.status !== 'registered' && state.status !== 'returned') {
    throw new ExitStepOutOfOrderError(`a household that is ${state.status} cannot apply`, 'step');
  }
  const evaluationId = command.evaluationId;
  const evaluation = evaluationId === undefined ? undefined : state.evaluations.get(evaluationId);
  if (evaluation === undefined || evaluationId === undefined) {
    throw rules.invalid('evaluationId', 'must name an exit evaluation of this household');
  }
  if (!evaluation.met) {
    throw new ExitStepOutOfOrderError(
      `evaluation ${evaluationId} did not meet the criteria`,
      'evaluationId',
    );
  }
  return { type: 'ExitApplied', data: { ...base, year: evaluation.year, evaluationId } };
}

function stepRecord(
  command: RecordExitStep,
  step: ExitStep,
  date: string,
  note: string | undefined,
  today: string,
): RecordedStep {
  if (step !== '公示') {
    if (command.endDate !== undefined) throw rules.invalid('endDate', 'is given only for 公示');
    return { step, date, ...(note === undefined ? {} : { note }) };
  }
  const endDate = command.endDate;
  if (typeof endDate !== 'string' || !isRealDate(endDate)) {
    throw rules.invalid('endDate', 'must be the last day of the public notice, YYYY-MM-DD');
  }
  if (daysBetween(date, endDate) < exitNoticeDaysMin) {
    throw rules.invalid(
      'endDate',
      `must be at least ${exitNoticeDaysMin} days after the notice's first day (${date})`,
    );
  }
  void today;
  return { step, date, endDate, ...(note === undefined ? {} : { note }) };
}

function sameStep(a: RecordedStep, b: RecordedStep): boolean {
  return a.step === b.step && a.date === b.date && a.endDate === b.endDate && a.note === b.note;
}

export function returnToPoverty(
  command: ReturnToPoverty,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const cause = rules.requireOneOf('cause', command.cause, povertyCauses);
  const date = requirePastDate('date', command.date, today);
  if (
    state.status === 'returned' &&
    state.lastReturn?.cause === cause &&
    state.lastReturn.date === date
  )
    return [];
  if (state.status !== 'exited') {
    throw new ExitStepOutOfOrderError(
      `only an exited household returns to poverty; this one is ${state.status}`,
      'cause',
    );
  }
  if (state.exitedOn !== undefined && date < state.exitedOn) {
    throw rules.invalid('date', `must not be before the exit was approved (${state.exitedOn})`);
  }
  return [{ type: 'ReturnedToPoverty', data: { householdId: command.householdId, cause, date } }];
}
