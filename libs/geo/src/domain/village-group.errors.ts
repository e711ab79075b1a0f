import { AppError } from '@sunlight/kernel';

/*
 * Expected failures of registering a village group (村民小组), codes `GEO.*`: 409 for a clash with
 * what the village already holds, 422 for a business rule; `field`, where set, names the input.
 */

/** Groups sit only under a village (村): the code names a township, a county or nothing known. */
export class NotAVillageError extends AppError {
  override readonly name = 'NotAVillageError';
  readonly code = 'GEO.NOT_A_VILLAGE';
  readonly httpStatus = 422;
  override readonly field = 'villageCode';

  constructor(readonly villageCode: string) {
    super(
      `Village groups (村民小组) are registered under a village (村), but ${villageCode} is not a known village code.`,
    );
  }
}

/** The group number is already registered in this village under another name. */
export class VillageGroupConflictError extends AppError {
  override readonly name = 'VillageGroupConflictError';
  readonly code = 'GEO.VILLAGE_GROUP_CONFLICT';
  readonly httpStatus = 409;

  constructor(
    readonly villageGroupCode: string,
    readonly registeredName: string,
  ) {
    super(
      `Village group ${villageGroupCode} is already registered as ${JSON.stringify(registeredName)}; a group is never renamed by registering it again.`,
    );
  }
}

/** A command field the domain refuses; the HTTP DTO normally catches it first with a 400. */
export class InvalidVillageGroupCommandError extends AppError {
  override readonly name = 'InvalidVillageGroupCommandError';
  readonly code = 'GEO.INVALID_VILLAGE_GROUP';
  readonly httpStatus = 422;

  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field}: ${reason}`);
  }
}
