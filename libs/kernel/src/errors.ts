/**
 * Expected failures, one base class for every context. Each carries a stable `code` spelled
 * `CONTEXT.CODE` (`FUNDS.INSUFFICIENT_FUNDS`, `AUTH.FORBIDDEN_ROLE`), an HTTP status hint and
 * JSON-safe `details`, so that one mapper at the HTTP edge renders every one of them as RFC 9457
 * problem+json, and code that throws them needs no framework.
 */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/** One input that was refused, named by its dotted path (`members[2].idNumber`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** `CONTEXT.CODE`: upper-case words joined by `_`, one dot between context and code. */
export const errorCodePattern = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\.[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  /** A short summary for people; the HTTP reason phrase when absent. */
  readonly title?: string;
  /** The one request field this error is about, when there is one. */
  readonly field?: string;
  /** Several fields at once (validation). */
  readonly errors?: readonly FieldError[];

  protected constructor(
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * A 400 naming request fields, for checks made outside the validation pipe (a division code that
 * is well-formed but unknown, a query parameter). The same code as the pipe's own errors, so
 * clients see one kind of 400.
 */
export class RequestFieldError extends AppError {
  override readonly name = 'RequestFieldError';
  readonly code = 'REQUEST.VALIDATION_FAILED';
  readonly httpStatus = 400;
  override readonly title = 'The request is not valid';
  override readonly errors: readonly FieldError[];

  constructor(field: string, message: string);
  constructor(errors: readonly FieldError[]);
  constructor(fieldOrErrors: string | readonly FieldError[], message?: string) {
    if (typeof fieldOrErrors === 'string') {
      super(`${fieldOrErrors} ${message ?? 'is not valid'}`);
      this.errors = [{ field: fieldOrErrors, message: message ?? 'is not valid' }];
    } else {
      // A body of thousands of unknown keys must not become an answer of thousands of errors.
      super(describeFields(fieldOrErrors));
      this.errors = fieldOrErrors.slice(0, fieldErrorsMax);
    }
  }
}

/** Field errors one answer lists; the detail says how many there were in all. */
export const fieldErrorsMax = 20;

function describeFields(errors: readonly FieldError[]): string {
  const fields = [...new Set(errors.map((error) => error.field))];
  const count = fields.length === 1 ? '1 field is' : `${fields.length} fields are`;
  if (fields.length <= fieldErrorsMax) return `${count} not valid: ${fields.join(', ')}.`;
  const shown = fields.slice(0, fieldErrorsMax).join(', ');
  return `${count} not valid: ${shown} and ${fields.length - fieldErrorsMax} more.`;
}

/** A 404: what the request names does not exist (or is not the caller's to know of). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly httpStatus = 404;
  override readonly title = 'Not found';

  /** `code` is the context's own, `FUNDS.FUND_NOT_FOUND`. */
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
