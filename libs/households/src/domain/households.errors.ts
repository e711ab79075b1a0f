import { AppError, NotFoundError } from '@sunlight/kernel';

/*
 * Expected failures of the households context, codes `HOUSEHOLDS.*`: 404 for a household or
 * member that is not there, 409 for a clash with what the log already holds, 422 for a command
 * field the domain refuses (the HTTP DTOs normally refuse it first, with a 400).
 */

/** A command field the domain refuses; the backstop behind the DTOs. */
export class InvalidHouseholdCommandError extends AppError {
  override readonly name = 'InvalidHouseholdCommandError';
  readonly code = 'HOUSEHOLDS.INVALID_COMMAND';
  readonly httpStatus = 422;

  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field}: ${reason}`, { field, reason });
  }
}

export class HouseholdNotFoundError extends NotFoundError {
  constructor(readonly householdId: string) {
    super('HOUSEHOLDS.HOUSEHOLD_NOT_FOUND', `No household ${householdId} is registered`);
  }
}

/** The household id is registered already, with other facts: ids are never reused. */
export class HouseholdAlreadyRegisteredError extends AppError {
  override readonly name = 'HouseholdAlreadyRegisteredError';
  readonly code = 'HOUSEHOLDS.ALREADY_REGISTERED';
  readonly httpStatus = 409;
  override readonly field = 'householdId';

  constructor(readonly householdId: string) {
    super(
      `Household ${householdId} is already registered with other facts; choose another id, or change the record by its own events`,
      { householdId },
    );
  }
}

/** The person is an active member of this household already, recorded differently. */
export class MemberConflictError extends AppError {
  override readonly name = 'MemberConflictError';
  readonly code = 'HOUSEHOLDS.MEMBER_CONFLICT';
  readonly httpStatus = 409;
  override readonly field = 'idNumber';

  constructor(readonly householdId: string) {
    super(
      `This ID number is already an active member of household ${householdId} with other details; remove the member first to record them again`,
      { householdId },
    );
  }
}

export class MemberNotFoundError extends NotFoundError {
  constructor(readonly householdId: string) {
    super(
      'HOUSEHOLDS.MEMBER_NOT_FOUND',
      `Household ${householdId} has no active member with this ID number`,
    );
  }
}

/** A household has one head (户主) at a time. */
export class SecondHeadError extends AppError {
  override readonly name = 'SecondHeadError';
  readonly code = 'HOUSEHOLDS.SECOND_HEAD';
  readonly httpStatus = 409;
  override readonly field = 'relation';

  constructor(readonly householdId: string) {
    super(
      `Household ${householdId} already has an active head (户主); remove that member before adding another head`,
      { householdId },
    );
  }
}

/**
 * One ID number belongs to at most one active member in the whole system. The other household
 * is named only when the caller may see it (`visibleHouseholdId`); otherwise the answer says no
 * more than that it lies outside the caller's jurisdiction.
 */
export class PersonInAnotherHouseholdError extends AppError {
  override readonly name = 'PersonInAnotherHouseholdError';
  readonly code = 'HOUSEHOLDS.PERSON_IN_ANOTHER_HOUSEHOLD';
  readonly httpStatus = 409;
  override readonly field = 'idNumber';

  constructor(readonly visibleHouseholdId: string | undefined) {
    super(
      visibleHouseholdId === undefined
        ? 'This ID number is an active member of another household, outside your jurisdiction; that household must remove the member first'
        : `This ID number is an active member of household ${visibleHouseholdId}; remove the member there first`,
      visibleHouseholdId === undefined ? {} : { householdId: visibleHouseholdId },
    );
  }
}

/** An income record id is used already, for another amount, year or type. */
export class IncomeRecordConflictError extends AppError {
  override readonly name = 'IncomeRecordConflictError';
  readonly code = 'HOUSEHOLDS.INCOME_RECORD_CONFLICT';
  readonly httpStatus = 409;
  override readonly field = 'recordId';

  constructor(readonly recordId: string) {
    super(
      `Income record ${recordId} is already recorded with other content; a correction is a new record naming it in correctsRecordId`,
      { recordId },
    );
  }
}

/** A correction names a record this household does not have, or one of another year or type. */
export class CorrectedRecordMismatchError extends AppError {
  override readonly name = 'CorrectedRecordMismatchError';
  readonly code = 'HOUSEHOLDS.CORRECTED_RECORD_MISMATCH';
  readonly httpStatus = 422;
  override readonly field = 'correctsRecordId';

  constructor(
    readonly correctsRecordId: string,
    reason: string,
  ) {
    super(`Cannot correct income record ${correctsRecordId}: ${reason}`, { correctsRecordId });
  }
}
