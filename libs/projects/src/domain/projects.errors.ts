import { AppError, NotFoundError } from '@sunlight/kernel';
import type { ProjectStatus } from './vocabulary';

/*
 * Expected failures of the projects context, codes `PROJECTS.*`: 404 for a project or photo that
 * is not there, 409 for a step out of order or a clash with what the log holds, 422 for a
 * command field the domain refuses (the HTTP DTOs normally refuse it first, with a 400).
 */

/** A command field the domain refuses; the backstop behind the DTOs. */
export class InvalidProjectCommandError extends AppError {
  override readonly name = 'InvalidProjectCommandError';
  readonly code = 'PROJECTS.INVALID_COMMAND';
  readonly httpStatus = 422;

  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field}: ${reason}`, { field, reason });
  }
}

export class ProjectNotFoundError extends NotFoundError {
  constructor(readonly projectId: string) {
    super('PROJECTS.PROJECT_NOT_FOUND', `No project ${projectId} is planned`);
  }
}

export class PhotoNotFoundError extends NotFoundError {
  constructor(
    readonly projectId: string,
    readonly sha256: string,
  ) {
    super('PROJECTS.PHOTO_NOT_FOUND', `Project ${projectId} has no photo ${sha256}`);
  }
}

/** The project id is planned already, with other facts: ids are never reused. */
export class ProjectAlreadyPlannedError extends AppError {
  override readonly name = 'ProjectAlreadyPlannedError';
  readonly code = 'PROJECTS.ALREADY_PLANNED';
  readonly httpStatus = 409;
  override readonly field = 'projectId';

  constructor(readonly projectId: string) {
    super(
      `Project ${projectId} is already planned with other facts; choose another id, or record changes by their own events`,
      { projectId },
    );
  }
}

/** The step does not follow from where the project stands (e.g. acceptance before completion). */
export class ProjectWrongStatusError extends AppError {
  override readonly name = 'ProjectWrongStatusError';
  readonly code = 'PROJECTS.WRONG_STATUS';
  readonly httpStatus = 409;

  constructor(
    readonly projectId: string,
    readonly step: string,
    readonly status: ProjectStatus,
    readonly allowed: readonly ProjectStatus[],
  ) {
    super(
      `${step} is not possible while project ${projectId} is ${status}; it needs the project to be ${allowed.join(' or ')}`,
      { projectId, step, status, allowed: allowed.join(',') },
    );
  }
}

/** The same id (milestone) or the same step was recorded already with other facts. */
export class ProjectRecordConflictError extends AppError {
  override readonly name = 'ProjectRecordConflictError';
  readonly code = 'PROJECTS.RECORD_CONFLICT';
  readonly httpStatus = 409;

  constructor(
    readonly projectId: string,
    override readonly field: string,
    what: string,
  ) {
    super(`${what} is already recorded on project ${projectId} with other facts`, {
      projectId,
      field,
    });
  }
}

/** A division with more projects than one dashboard reads: ask for one of its children. */
export class DashboardTooLargeError extends AppError {
  override readonly name = 'DashboardTooLargeError';
  readonly code = 'PROJECTS.DASHBOARD_TOO_LARGE';
  readonly httpStatus = 422;
  override readonly field = 'code';

  constructor(
    readonly divisionCode: string,
    readonly projectsMax: number,
  ) {
    super(
      `Division ${divisionCode} has more than ${projectsMax} projects; ask for the dashboard of one of its children`,
      { divisionCode, projectsMax },
    );
  }
}
