import { IntegrityError } from '../integrity-error';

/** A tree size or leaf index that is not a non-negative safe integer. */
export class InvalidTreeNumberError extends IntegrityError {
  override readonly name = 'InvalidTreeNumberError';
  readonly code = 'MERKLE.INVALID_NUMBER';
  readonly httpStatus = 400;
  constructor(
    override readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field} must be a non-negative safe integer, got ${String(value)}`, {
      field,
      value: String(value),
    });
  }
}

/** A leaf index at or beyond the tree size it is meant to be in. */
export class IndexOutOfRangeError extends IntegrityError {
  override readonly name = 'IndexOutOfRangeError';
  readonly code = 'MERKLE.INDEX_OUT_OF_RANGE';
  readonly httpStatus = 400;
  constructor(
    readonly index: number,
    readonly size: number,
  ) {
    super(`leaf index ${index} is not below tree size ${size}`, { index, size });
  }
}

/** A consistency proof asked or offered from a larger tree to a smaller one. */
export class TreeSizeOrderError extends IntegrityError {
  override readonly name = 'TreeSizeOrderError';
  readonly code = 'MERKLE.SIZE_ORDER';
  readonly httpStatus = 400;
  constructor(
    readonly size1: number,
    readonly size2: number,
  ) {
    super(`the first tree size ${size1} is larger than the second ${size2}`, { size1, size2 });
  }
}

/**
 * A consistency proof from the empty tree. Every tree extends the empty one, so such a proof
 * proves nothing; RFC 9162 §2.1.4 defines proofs only for 0 < size1, and accepting one would let a
 * caller believe it had checked something.
 */
export class EmptyTreeConsistencyError extends IntegrityError {
  override readonly name = 'EmptyTreeConsistencyError';
  readonly code = 'MERKLE.EMPTY_TREE';
  readonly httpStatus = 400;
  constructor(readonly size2: number) {
    super(`a consistency proof from the empty tree to size ${size2} proves nothing`, { size2 });
  }
}

/** A proof with more or fewer hashes than its index and sizes call for. */
export class ProofLengthError extends IntegrityError {
  override readonly name = 'ProofLengthError';
  readonly code = 'MERKLE.WRONG_PROOF_LENGTH';
  readonly httpStatus = 422;
  constructor(
    readonly actual: number,
    readonly expected: number,
  ) {
    super(`the proof has ${actual} hashes; ${expected} expected`, { actual, expected });
  }
}

/** A leaf hash or proof hash that is not 32 bytes long. */
export class HashLengthError extends IntegrityError {
  override readonly name = 'HashLengthError';
  readonly code = 'MERKLE.WRONG_HASH_LENGTH';
  readonly httpStatus = 400;
  constructor(
    override readonly field: string,
    readonly length: number,
  ) {
    super(`${field} must be 32 bytes, got ${length}`, { field, length });
  }
}

/** The proof is well formed but leads to another root: the data or the tree is not the one claimed. */
export class RootMismatchError extends IntegrityError {
  override readonly name = 'RootMismatchError';
  readonly code = 'MERKLE.ROOT_MISMATCH';
  readonly httpStatus = 422;
  constructor(
    readonly which: string,
    readonly expected: Buffer,
    readonly calculated: Buffer,
  ) {
    super(
      `${which}: the proof leads to ${calculated.toString('hex')}, ` +
        `not to ${expected.toString('hex')}`,
      { which, expected: expected.toString('hex'), calculated: calculated.toString('hex') },
    );
  }
}

/** A node reader could not supply a node a proof needs (the tree it holds is smaller). */
export class MissingNodeError extends IntegrityError {
  override readonly name = 'MissingNodeError';
  readonly code = 'MERKLE.MISSING_NODE';
  readonly httpStatus = 404;
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`no hash is stored for node (level ${level}, index ${index})`, { level, index });
  }
}
