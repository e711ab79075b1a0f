import { AppError } from '@sunlight/kernel';

/** 404 for a well-formed code that is not in the registry. */
export class DivisionNotFoundError extends AppError {
  override readonly name = 'DivisionNotFoundError';
  readonly code = 'GEO.UNKNOWN_DIVISION';
  readonly httpStatus = 404;
  override readonly title = 'No such division';

  constructor(readonly divisionCode: string) {
    super(`There is no division with code ${divisionCode} in the division registry (行政区划).`);
  }
}
