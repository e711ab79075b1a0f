import type { DivisionRegistry } from '@sunlight/geo';
import type { TransferOutcome } from '../application/command-envelope';

export interface OutcomeResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
}

/**
 * A command answers with the event that records its outcome. A repeated request gets the very
 * same event back, marked `Idempotent-Replayed: true` and with 200 instead of 201.
 */
export function sendOutcome(
  response: OutcomeResponse,
  outcome: TransferOutcome,
): TransferOutcome['event'] {
  response.setHeader('Idempotent-Replayed', String(outcome.replayed));
  response.status(outcome.replayed ? 200 : 201);
  return outcome.event;
}

/** Unknown division codes are bad input (400 naming the field), not a missing resource. */
export function requireDivision(divisions: DivisionRegistry, code: string, field: string): void {
  if (divisions.get(code) !== undefined) return;
  throw new RequestFieldError(field, `${code} is not a known division code`);
}

/**
 * A 400 naming one request field, for checks the validation pipe cannot make (a division code
 * that is well-formed but unknown, a query parameter). A plain `BadRequestException` would lose
 * `errors[]` in the problem+json filter; this meets its HttpMappedError contract instead and uses
 * the same problem type as the validation pipe, so clients see one kind of 400.
 */
export class RequestFieldError extends Error {
  override readonly name = 'RequestFieldError';
  readonly httpStatus = 400;
  readonly code = 'validation-failed';
  readonly title = 'The request is not valid';
  readonly errors: { field: string; message: string }[];

  constructor(field: string, message: string) {
    super(`${field} ${message}`);
    this.errors = [{ field, message }];
  }
}

/** An optional integer query parameter within bounds; anything else is a 400 naming it. */
export function integerQuery(
  field: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RequestFieldError(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}
