import { AppError } from '@sunlight/kernel';

/** A command whose fields break the roster's rules (a backstop behind the HTTP checks). */
export class InvalidRosterCommandError extends AppError {
  override readonly name = 'InvalidRosterCommandError';
  readonly code = 'ROSTERS.INVALID_COMMAND';
  readonly httpStatus = 400;
  override readonly title = 'The request is not valid';
  override readonly errors: readonly { field: string; message: string }[];

  constructor(
    override readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.errors = [{ field, message: reason }];
  }
}

/** The uploaded file cannot be read as a roster: nothing is recorded. */
export class RosterFileError extends AppError {
  override readonly name = 'RosterFileError';
  readonly code = 'ROSTERS.BAD_FILE';
  readonly httpStatus = 400;
  override readonly title = 'The file is not a roster this system reads';
  override readonly field = 'file';
  override readonly errors: readonly { field: string; message: string }[];

  constructor(reason: string) {
    super(`file ${reason}`);
    this.errors = [{ field: 'file', message: reason }];
  }
}

export class RosterNotFoundError extends AppError {
  override readonly name = 'RosterNotFoundError';
  readonly code = 'ROSTERS.NOT_FOUND';
  readonly httpStatus = 404;
  override readonly title = 'Roster not found';

  constructor(readonly rosterId: string) {
    super(`No roster ${rosterId}`, { rosterId });
  }
}

/** The same file for the same fund and division was uploaded before. */
export class DuplicateRosterFileError extends AppError {
  override readonly name = 'DuplicateRosterFileError';
  readonly code = 'ROSTERS.DUPLICATE_FILE';
  readonly httpStatus = 409;
  override readonly title = 'This file was uploaded before';

  constructor(readonly firstRosterId: string) {
    super(
      `The same file was uploaded for this fund and division as roster ${firstRosterId}; upload it again only with ?allowDuplicate=true and a reason`,
      { firstRosterId },
    );
  }
}

/** A step the roster's status does not allow (approving one still being read, twice, …). */
export class RosterStateError extends AppError {
  override readonly name = 'RosterStateError';
  readonly code = 'ROSTERS.WRONG_STATE';
  readonly httpStatus = 409;
  override readonly title = 'The roster is not in a state that allows this';

  constructor(
    readonly rosterId: string,
    readonly status: string,
    message: string,
  ) {
    super(message, { rosterId, status });
  }
}

/** Maker-checker: whoever uploaded a roster never approves or rejects it. */
export class SelfApprovalError extends AppError {
  override readonly name = 'SelfApprovalError';
  readonly code = 'ROSTERS.SELF_APPROVAL';
  readonly httpStatus = 403;
  override readonly title = 'The uploader cannot decide on their own roster';

  constructor(readonly rosterId: string) {
    super(`Roster ${rosterId} was uploaded by you; another person must approve or reject it`, {
      rosterId,
    });
  }
}
