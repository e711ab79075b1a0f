import { AppError, type ErrorDetails } from '@sunlight/kernel/errors';

/**
 * The base of every expected failure in the Merkle, note, checkpoint and tile code: a proof that
 * does not verify, a malformed note, a tree size out of range. It is an AppError like every other
 * context's, with a `CONTEXT.CODE` code (`MERKLE.ROOT_MISMATCH`, `NOTE.MALFORMED`) and an HTTP
 * status hint, so the HTTP edge and the offline verifier map it without parsing messages: 400 for
 * arguments that can never work, 404 for a node or tile the tree does not have yet, 422 for
 * well-formed evidence that does not check out. A bug (a broken invariant) throws a plain Error.
 * Only the errors module of libs/kernel is imported, so this library stays free of I/O.
 */
export abstract class IntegrityError extends AppError {
  protected constructor(message: string, details: ErrorDetails = {}) {
    super(message, details);
  }
}
