import { AppError, type FieldError } from '@sunlight/kernel';
import type { ExpectedRevision } from './event-store.port';

export type ActualRevision = bigint | 'no_stream';

function describeRevision(revision: ExpectedRevision | ActualRevision): string {
  return typeof revision === 'bigint' ? revision.toString() : revision;
}

/** The stream was not at the revision the writer expected: someone else wrote first. */
export class WrongExpectedVersionError extends AppError {
  override readonly name = 'WrongExpectedVersionError';
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_VERSION';
  readonly httpStatus = 409;
  override readonly title = 'The record was changed by someone else; reload it and retry';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
    detail?: string,
  ) {
    super(
      `Wrong expected version on stream "${streamName}": expected ${describeRevision(expected)}, ` +
        `actual ${describeRevision(actual)}${detail ? ` (${detail})` : ''}`,
    );
  }
}

/** The store cannot be reached or refused to serve; the operation may be retried. */
export class EventStoreUnavailableError extends AppError {
  override readonly name = 'EventStoreUnavailableError';
  readonly code = 'EVENT_STORE.UNAVAILABLE';
  readonly httpStatus = 503;
  override readonly title = 'The event store is unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The append itself is malformed; retrying it will never succeed. */
export class InvalidAppendError extends AppError {
  override readonly name = 'InvalidAppendError';
  readonly code = 'EVENT_STORE.INVALID_APPEND';
  readonly httpStatus = 400;
  override readonly title = 'The events to append are not valid';
  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid append: ${field} ${reason}`);
    this.errors = [{ field, message: reason }];
  }
  override readonly errors: readonly FieldError[];
}

/**
 * An append claimed a key that another stream holds (a transfer id used by another pool, a
 * person already a member of another household). Nothing of the append was written.
 */
export class ClaimTakenError extends AppError {
  override readonly name = 'ClaimTakenError';
  readonly code = 'EVENT_STORE.CLAIM_TAKEN';
  readonly httpStatus = 409;

  constructor(
    readonly key: string,
    /** Internal: the holder may lie outside the caller's jurisdiction, so no message names it. */
    readonly heldBy: string,
  ) {
    super(`${key} is already claimed by another stream`);
  }
}
