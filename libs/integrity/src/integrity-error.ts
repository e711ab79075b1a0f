/**
 * The base of every expected failure in the Merkle, note, checkpoint and tile code: a proof that
 * does not verify, a malformed note, a tree size out of range. Each carries a stable `code`
 * (`MERKLE.ROOT_MISMATCH`, `NOTE.MALFORMED`) so an HTTP layer or the offline verifier can map it
 * without parsing messages. A bug (a broken invariant) throws a plain Error instead.
 */
export abstract class IntegrityError extends Error {
  abstract readonly code: string;
}
