import { AppError, fieldRules } from '@sunlight/kernel';

/*
 * Expected failures of the findings workflow (raised → assigned → disposed → reopened): 409 for a
 * step out of order, 403 for a caller of the wrong level, 422 for a field the domain refuses
 * (the HTTP DTOs refuse malformed fields first, with a 400), 400 for a recovery that the ledger
 * does not hold.
 */

/** A command field the domain refuses; the backstop behind the DTOs. */
export class InvalidFindingCommandError extends AppError {
  override readonly name = 'InvalidFindingCommandError';
  readonly code = 'OVERSIGHT.INVALID_COMMAND';
  readonly httpStatus = 422;

  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field}: ${reason}`, { field, reason });
  }
}

export const findingFieldRules = fieldRules(
  (field, reason) => new InvalidFindingCommandError(field, reason),
);

export type FindingOrderCode =
  | 'OVERSIGHT.FINDING_NOT_ASSIGNED'
  | 'OVERSIGHT.FINDING_ALREADY_DISPOSED'
  | 'OVERSIGHT.FINDING_NOT_DISPOSED';

/** 409: the step does not follow from where the finding stands. */
export class FindingOrderError extends AppError {
  override readonly name = 'FindingOrderError';
  readonly httpStatus = 409;
  override readonly title = 'Not possible at this step of the finding';

  constructor(
    readonly code: FindingOrderCode,
    readonly findingId: string,
    readonly status: string,
    message: string,
  ) {
    super(message, { findingId, status });
  }
}

export type FindingAuthorityCode =
  'OVERSIGHT.OUTSIDE_JURISDICTION' | 'OVERSIGHT.NOT_ASSIGNEES_LEVEL' | 'OVERSIGHT.NOT_HIGHER_LEVEL';

/** 403: the caller's level may not take this step on this finding. */
export class FindingAuthorityError extends AppError {
  override readonly name = 'FindingAuthorityError';
  readonly httpStatus = 403;
  override readonly title = 'Not yours to decide';

  constructor(
    readonly code: FindingAuthorityCode,
    readonly findingId: string,
    message: string,
  ) {
    super(message, { findingId });
  }
}

/** 400: a disposition `recovered` names a transfer that is not a recovery (追回) the caller may see. */
export class UnknownRecoveryError extends AppError {
  override readonly name = 'UnknownRecoveryError';
  readonly code = 'OVERSIGHT.UNKNOWN_RECOVERY';
  readonly httpStatus = 400;
  override readonly title = 'No such recovery';
  override readonly field = 'transferId';
  override readonly errors: readonly { field: string; message: string }[];

  constructor(readonly transferId: string) {
    const message = `must name a FundsRecovered transfer (追回) in your jurisdiction; ${transferId} is none`;
    super(`transferId ${message}`, { transferId });
    this.errors = [{ field: 'transferId', message }];
  }
}
