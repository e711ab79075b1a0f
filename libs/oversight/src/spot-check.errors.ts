import { AppError, NotFoundError } from '@sunlight/kernel';

/** 404: no spot check under this id (or none the caller may know of). */
export class SpotCheckNotFoundError extends NotFoundError {
  constructor(readonly spotCheckId: string) {
    super('OVERSIGHT.UNKNOWN_SPOT_CHECK', `There is no spot check ${spotCheckId}.`);
  }
}

/** 422: a visit names an item the draw did not sample. */
export class SpotCheckItemNotSampledError extends AppError {
  override readonly name = 'SpotCheckItemNotSampledError';
  readonly code = 'OVERSIGHT.NOT_SAMPLED';
  readonly httpStatus = 422;
  override readonly title = 'Not in the sample';
  override readonly field = 'item';

  constructor(
    readonly spotCheckId: string,
    readonly item: string,
  ) {
    super(`${item} is not in the sample of spot check ${spotCheckId}.`, { spotCheckId, item });
  }
}

/** 422: the jurisdiction holds nothing left to draw, or more than one draw may take. */
export class SpotCheckDrawRefusedError extends AppError {
  override readonly name = 'SpotCheckDrawRefusedError';
  readonly code = 'OVERSIGHT.DRAW_REFUSED';
  readonly httpStatus = 422;
  override readonly title = 'Nothing can be drawn as asked';

  constructor(message: string) {
    super(message);
  }
}
