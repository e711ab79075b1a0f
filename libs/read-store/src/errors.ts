/** A newer version of the projection is active: this version may no longer be written or activated. */
export class ProjectionVersionRetiredError extends Error {
  override readonly name = 'ProjectionVersionRetiredError';
  constructor(
    readonly projection: string,
    readonly version: number,
    readonly activeVersion: number,
  ) {
    super(
      `projection "${projection}" version ${version} is retired: version ${activeVersion} is active`,
    );
  }
}

/** The operation would destroy or rebuild the version that queries are reading. */
export class ProjectionVersionActiveError extends Error {
  override readonly name = 'ProjectionVersionActiveError';
  constructor(
    readonly projection: string,
    readonly version: number,
    action: string,
  ) {
    super(`projection "${projection}" version ${version} is active: cannot ${action}`);
  }
}

/** The query is malformed; retrying it will never succeed. */
export class InvalidFindQueryError extends Error {
  override readonly name = 'InvalidFindQueryError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid query: ${field} ${reason}`);
  }
}

/** The read store cannot be reached or refused to serve; the operation may be retried. */
export class ReadStoreUnavailableError extends Error {
  override readonly name = 'ReadStoreUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A projection could not apply an event: which event, and why. Retrying will meet it again. */
export class ProjectionApplyError extends Error {
  override readonly name = 'ProjectionApplyError';
  constructor(
    readonly projection: string,
    /** The position of the event it could not apply. */
    readonly position: string,
    readonly eventType: string,
    override readonly cause: unknown,
  ) {
    super(
      `projection ${projection} cannot apply ${eventType} at position ${position}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
  }
}
