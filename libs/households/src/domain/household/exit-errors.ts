import { AppError } from '@sunlight/kernel';
import { householdFieldRules } from '../households.validation';

export const householdFieldRulesForExit = householdFieldRules;

/** No exit criteria are shipped for the household's province and the year asked. */
export class NoExitCriteriaError extends AppError {
  override readonly name = 'NoExitCriteriaError';
  readonly code = 'HOUSEHOLDS.NO_EXIT_CRITERIA';
  readonly httpStatus = 422;
  override readonly field = 'year';

  constructor(readonly year: number) {
    super(
      `No exit criteria are in force for this household's province in ${year} (data/households/exit-criteria.json)`,
      { year },
    );
  }
}

/** A step of the exit procedure, or a return to poverty, out of its order. */
export class ExitStepOutOfOrderError extends AppError {
  override readonly name = 'ExitStepOutOfOrderError';
  readonly code = 'HOUSEHOLDS.EXIT_STEP_OUT_OF_ORDER';
  readonly httpStatus = 409;

  constructor(
    reason: string,
    override readonly field: string,
  ) {
    super(`Out of order: ${reason}`, { reason });
  }
}

/** The caller's role or level may not record this step. */
export class ExitNotAllowedError extends AppError {
  override readonly name = 'ExitNotAllowedError';
  readonly code = 'HOUSEHOLDS.EXIT_STEP_FORBIDDEN';
  readonly httpStatus = 403;

  constructor(
    readonly step: string,
    who: string,
  ) {
    super(`${step} is recorded by ${who}`, { step });
  }
}

/** No monitoring rules are shipped for the household's province and the year of the elimination. */
export class NoMonitoringRulesError extends AppError {
  override readonly name = 'NoMonitoringRulesError';
  readonly code = 'HOUSEHOLDS.NO_MONITORING_RULES';
  readonly httpStatus = 422;

  constructor(
    readonly year: number,
    override readonly field: string,
  ) {
    super(
      `No monitoring rules are in force for this household's province in ${year} (data/households/monitoring-lines.json)`,
      { year },
    );
  }
}

/** Monitoring that contradicts the household's state: already monitored, not open, too early. */
export class MonitoringConflictError extends AppError {
  override readonly name = 'MonitoringConflictError';
  readonly code = 'HOUSEHOLDS.MONITORING_CONFLICT';
  readonly httpStatus = 409;

  constructor(
    reason: string,
    override readonly field: string,
  ) {
    super(`Monitoring: ${reason}`, { reason });
  }
}
