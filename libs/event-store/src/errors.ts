import type { ExpectedRevision } from './event-store.port';

export type ActualRevision = bigint | 'no_stream';

function describeRevision(revision: ExpectedRevision | ActualRevision): string {
  return typeof revision === 'bigint' ? revision.toString() : revision;
}

/** The stream was not at the revision the writer expected: someone else wrote first. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
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
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The append itself is malformed; retrying it will never succeed. */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid append: ${field} ${reason}`);
  }
}
