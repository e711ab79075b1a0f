import { AppError } from '@sunlight/kernel';

/**
 * The log's events do not chain as stored: the tree stops before the first one that does not.
 * A bug or someone writing to the table behind the application; never retried silently.
 */
export class LogChainBreakError extends AppError {
  override readonly name = 'LogChainBreakError';
  readonly code = 'LOG.CHAIN_BROKEN';
  readonly httpStatus = 500;
  constructor(
    readonly position: number,
    reason: string,
  ) {
    super(`the log does not chain at position ${position}: ${reason}`, { position });
  }
}

/** A tree size, position or proof range the tree cannot answer (yet). */
export class TreeRangeError extends AppError {
  override readonly name = 'TreeRangeError';
  readonly code = 'LOG.OUT_OF_RANGE';
  readonly httpStatus = 404;
  constructor(message: string, details: Record<string, number> = {}) {
    super(message, details);
  }
}

/** No checkpoint of the size asked has been signed. */
export class CheckpointNotFoundError extends AppError {
  override readonly name = 'CheckpointNotFoundError';
  readonly code = 'LOG.CHECKPOINT_NOT_FOUND';
  readonly httpStatus = 404;
  constructor(size?: number) {
    super(
      size === undefined
        ? 'no checkpoint has been signed yet'
        : `no checkpoint of size ${size} has been signed`,
      size === undefined ? {} : { size },
    );
  }
}

/** A cosignature that is not a valid one of the checkpoint, by a witness the log knows. */
export class CosignatureRefusedError extends AppError {
  override readonly name = 'CosignatureRefusedError';
  readonly code = 'LOG.COSIGNATURE_REFUSED';
  readonly httpStatus = 422;
  constructor(reason: string) {
    super(reason);
  }
}
