import { AppError } from '@sunlight/kernel';

/*
 * Expected failures of the funds domain, codes `FUNDS.*`: 409 for clashes with the stream's
 * current state, 422 for business rules and invalid input.
 */

const amountEchoLengthMax = 40;

export type InvalidAmountReason = 'malformed' | 'too_many_decimals' | 'not_positive' | 'too_large';

/** A money amount that is not a positive number of fen within the limit, or is badly written. */
export class InvalidAmountError extends AppError {
  override readonly name = 'InvalidAmountError';
  readonly code = 'FUNDS.INVALID_AMOUNT';
  readonly httpStatus = 422;

  readonly input: string;

  constructor(
    override readonly field: string,
    readonly reason: InvalidAmountReason,
    input: string,
  ) {
    // Echo at most a short prefix: the input may be arbitrarily long garbage.
    const echoed =
      input.length > amountEchoLengthMax ? `${input.slice(0, amountEchoLengthMax)}…` : input;
    super(`Invalid amount in ${field} (${reason}): ${JSON.stringify(echoed)}`, {
      field,
      reason,
      input: echoed,
    });
    this.input = echoed;
  }
}

/** A command field the domain refuses: blank reason, unknown category, malformed id and so on. */
export class InvalidCommandError extends AppError {
  override readonly name = 'InvalidCommandError';
  readonly code = 'FUNDS.INVALID_COMMAND';
  readonly httpStatus = 422;

  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid ${field}: ${reason}`, { field, reason });
  }
}

export class FundAlreadyExistsError extends AppError {
  override readonly name = 'FundAlreadyExistsError';
  readonly code = 'FUNDS.FUND_ALREADY_EXISTS';
  readonly httpStatus = 409;

  constructor(readonly fundId: string) {
    super(`Fund line ${fundId} already exists with different content`, { fundId });
  }
}

export class InsufficientFundsError extends AppError {
  override readonly name = 'InsufficientFundsError';
  readonly code = 'FUNDS.INSUFFICIENT_FUNDS';
  readonly httpStatus = 422;

  constructor(
    readonly balanceFen: bigint,
    readonly requestedFen: bigint,
  ) {
    super(`Insufficient funds: balance ${balanceFen} fen, requested ${requestedFen} fen`, {
      balanceFen: balanceFen.toString(),
      requestedFen: requestedFen.toString(),
    });
  }
}

/** Allocations only go from a pool to the pool of a division directly below it. */
export class NotADirectChildError extends AppError {
  override readonly name = 'NotADirectChildError';
  readonly code = 'FUNDS.NOT_A_DIRECT_CHILD';
  readonly httpStatus = 422;

  constructor(
    readonly parentDivisionCode: string,
    readonly childDivisionCode: string,
  ) {
    super(`Division ${childDivisionCode} is not a direct child of ${parentDivisionCode}`, {
      parentDivisionCode,
      childDivisionCode,
    });
  }
}

/** A client reused a transferId for a different movement; the first one stands. */
export class TransferConflictError extends AppError {
  override readonly name = 'TransferConflictError';
  readonly code = 'FUNDS.TRANSFER_CONFLICT';
  readonly httpStatus = 409;

  constructor(
    readonly transferId: string,
    readonly existingKind: string,
  ) {
    super(`Transfer ${transferId} already exists (${existingKind}) with different content`, {
      transferId,
      existingKind,
    });
  }
}

/**
 * The command names a transfer this pool has never seen. 422 rather than 404 because the pool
 * exists and the request is well-formed; it refers to something that is not there.
 */
export class TransferNotFoundError extends AppError {
  override readonly name = 'TransferNotFoundError';
  readonly code = 'FUNDS.TRANSFER_NOT_FOUND';
  readonly httpStatus = 422;

  constructor(readonly transferId: string) {
    super(`Transfer ${transferId} does not exist in this pool`, { transferId });
  }
}

/** The command names a transfer of the wrong kind, e.g. approving an allocation. */
export class TransferKindMismatchError extends AppError {
  override readonly name = 'TransferKindMismatchError';
  readonly code = 'FUNDS.TRANSFER_KIND_MISMATCH';
  readonly httpStatus = 422;

  constructor(
    readonly transferId: string,
    readonly expectedKind: string,
    readonly actualKind: string,
  ) {
    super(`Transfer ${transferId} is ${actualKind}, expected ${expectedKind}`, {
      transferId,
      expectedKind,
      actualKind,
    });
  }
}

export class InvalidTransferStateError extends AppError {
  override readonly name = 'InvalidTransferStateError';
  readonly code = 'FUNDS.INVALID_TRANSFER_STATE';
  readonly httpStatus = 409;

  constructor(
    readonly transferId: string,
    readonly status: string,
    readonly attempted: string,
  ) {
    super(`Transfer ${transferId} is ${status}; cannot ${attempted}`, {
      transferId,
      status,
      attempted,
    });
  }
}

/** Maker-checker: the person who requested a disbursement may not approve or reject it. */
export class SelfApprovalError extends AppError {
  override readonly name = 'SelfApprovalError';
  readonly code = 'FUNDS.SELF_APPROVAL';
  readonly httpStatus = 422;

  constructor(
    readonly transferId: string,
    readonly actorId: string,
    readonly decision: 'approve' | 'reject' = 'approve',
  ) {
    super(`${actorId} requested disbursement ${transferId} and cannot also ${decision} it`, {
      transferId,
      actorId,
      decision,
    });
  }
}

/** 追回: more cannot be recovered than was paid and has not already come back. */
export class RecoveryExceedsOutstandingError extends AppError {
  override readonly name = 'RecoveryExceedsOutstandingError';
  readonly code = 'FUNDS.RECOVERY_EXCEEDS_OUTSTANDING';
  readonly httpStatus = 422;

  constructor(
    readonly originalTransferId: string,
    readonly outstandingFen: bigint,
    readonly requestedFen: bigint,
  ) {
    super(
      `Cannot recover ${requestedFen} fen from ${originalTransferId}: only ${outstandingFen} fen paid and not yet returned`,
      {
        originalTransferId,
        outstandingFen: outstandingFen.toString(),
        requestedFen: requestedFen.toString(),
      },
    );
  }
}

/**
 * A new transfer's id is already used by another transfer elsewhere in the log. Transfer ids are
 * unique across all pools, because routes such as `/disbursements/:transferId/approve` name only
 * the id, and the allocation relay writes the sender's id into the receiving pool.
 */
export class TransferIdTakenError extends AppError {
  override readonly name = 'TransferIdTakenError';
  readonly code = 'FUNDS.TRANSFER_ID_TAKEN';
  readonly httpStatus = 409;
  override readonly field = 'transferId';

  constructor(
    readonly transferId: string,
    readonly takenBy: string,
  ) {
    // Where it is used stays out of the message: that pool may lie outside the caller's jurisdiction.
    super(`Transfer id ${transferId} is already in use; choose another id`, { transferId });
  }
}

/** A roster's total is more than the pool holds: the whole roster is refused, nothing written. */
export class RosterBatchNotCoveredError extends AppError {
  override readonly name = 'RosterBatchNotCoveredError';
  readonly code = 'FUNDS.ROSTER_NOT_COVERED';
  readonly httpStatus = 409;
  override readonly title = 'The pool cannot cover the roster';

  constructor(
    readonly rosterId: string,
    readonly balanceFen: bigint,
    readonly totalFen: bigint,
  ) {
    super(
      `The pool holds ${balanceFen} fen, less than the ${totalFen} fen of roster ${rosterId}; no line of it is requested`,
      { rosterId, balanceFen: balanceFen.toString(), totalFen: totalFen.toString() },
    );
  }
}

/** A roster line that its batch's reservation does not hold (more lines or money than reserved). */
export class RosterBatchOverdrawnError extends AppError {
  override readonly name = 'RosterBatchOverdrawnError';
  readonly code = 'FUNDS.ROSTER_BATCH_OVERDRAWN';
  readonly httpStatus = 409;
  override readonly title = 'The roster line is outside its reservation';

  constructor(
    readonly batchId: string,
    readonly transferId: string,
  ) {
    super(`Roster batch ${batchId} has no reservation left for line ${transferId}`, {
      batchId,
      transferId,
    });
  }
}

/**
 * A roster approval whose decision differs from the one that already reserved the roster's batch
 * (an approval that did not finish): the batch is never reserved twice nor changed in place.
 */
export class RosterBatchConflictError extends AppError {
  override readonly name = 'RosterBatchConflictError';
  readonly code = 'FUNDS.ROSTER_BATCH_CONFLICT';
  readonly httpStatus = 409;
  override readonly title = 'The roster is reserved with another decision';

  constructor(
    readonly rosterId: string,
    readonly reserved: { entryCount: number; amountFen: bigint } | undefined,
  ) {
    super(
      reserved === undefined
        ? `Roster ${rosterId} was reserved with another decision and its lines are requested already`
        : `Roster ${rosterId} already has ${reserved.entryCount} lines of ${reserved.amountFen} fen reserved by an approval that did not finish; approve it again with that same decision (the same excludedRows) to finish it, or reject the roster to release the money`,
      {
        rosterId,
        ...(reserved === undefined
          ? {}
          : { entryCount: reserved.entryCount, amountFen: reserved.amountFen.toString() }),
      },
    );
  }
}

/** A roster whose reservation was released for its rejection is never reserved again. */
export class RosterBatchReleasedError extends AppError {
  override readonly name = 'RosterBatchReleasedError';
  readonly code = 'FUNDS.ROSTER_BATCH_RELEASED';
  readonly httpStatus = 409;
  override readonly title = "The roster's reservation was released";

  constructor(readonly rosterId: string) {
    super(
      `The reservation of roster ${rosterId} was released for its rejection; it cannot be approved (repeat the rejection to finish it)`,
      { rosterId },
    );
  }
}
