/** 404 for a well-formed code that is not in the registry (problem type `.../unknown-division`). */
export class DivisionNotFoundError extends Error {
  override readonly name = 'DivisionNotFoundError';
  readonly httpStatus = 404;
  readonly code = 'unknown-division';
  readonly title = 'No such division';

  constructor(readonly divisionCode: string) {
    super(`There is no division with code ${divisionCode} in the division registry (行政区划).`);
  }
}
