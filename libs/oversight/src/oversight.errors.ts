import { AppError } from '@sunlight/kernel';

/** 404: a rule id the catalogue does not have. */
export class UnknownRuleError extends AppError {
  override readonly name = 'UnknownRuleError';
  readonly code = 'OVERSIGHT.UNKNOWN_RULE';
  readonly httpStatus = 404;
  override readonly title = 'No such rule';

  constructor(readonly ruleId: string) {
    super(`There is no cross-check rule "${ruleId}" (GET /api/v1/rules lists them).`, { ruleId });
  }
}

/** 409: the command does not fit the snapshot's state. */
export class OversightStateError extends AppError {
  override readonly name = 'OversightStateError';
  readonly code = 'OVERSIGHT.WRONG_STATE';
  readonly httpStatus = 409;
  override readonly title = 'Not possible in this state';

  constructor(message: string) {
    super(message);
  }
}

/** 400: the uploaded file is not a registry this system reads (the answer says why). */
export class RegistryFileError extends AppError {
  override readonly name = 'RegistryFileError';
  readonly code = 'OVERSIGHT.BAD_FILE';
  readonly httpStatus = 400;
  override readonly title = 'The file is not a registry this system reads';
  override readonly field = 'file';
  override readonly errors: readonly { field: string; message: string }[];

  constructor(reason: string) {
    super(`file ${reason}`);
    this.errors = [{ field: 'file', message: reason }];
  }
}

/** 404: no such registry snapshot. */
export class RegistrySnapshotNotFoundError extends AppError {
  override readonly name = 'RegistrySnapshotNotFoundError';
  readonly code = 'OVERSIGHT.UNKNOWN_SNAPSHOT';
  readonly httpStatus = 404;
  override readonly title = 'No such registry snapshot';

  constructor(readonly snapshotId: string) {
    super(`There is no registry snapshot ${snapshotId}.`, { snapshotId });
  }
}

/** 409: the same file was imported before as a snapshot of this kind for this division. */
export class DuplicateRegistryFileError extends AppError {
  override readonly name = 'DuplicateRegistryFileError';
  readonly code = 'OVERSIGHT.DUPLICATE_FILE';
  readonly httpStatus = 409;
  override readonly title = 'This file was imported before';

  constructor(readonly firstSnapshotId: string) {
    super(`The same file was imported before as registry snapshot ${firstSnapshotId}.`, {
      firstSnapshotId,
    });
  }
}

/** 404: no such finding. */
export class FindingNotFoundError extends AppError {
  override readonly name = 'FindingNotFoundError';
  readonly code = 'OVERSIGHT.UNKNOWN_FINDING';
  readonly httpStatus = 404;
  override readonly title = 'No such finding';

  constructor(readonly findingId: string) {
    super(`There is no finding ${findingId}.`, { findingId });
  }
}
