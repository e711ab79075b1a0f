/**
 * RFC 9457 problem details: the one error body shape every endpoint answers with, so clients
 * handle failures with one parser and always learn which field was wrong.
 */

export const problemTypeBase = 'https://sunlight.example/problems/';
export const problemContentType = 'application/problem+json';

export interface FieldError {
  /** Dotted path into the request body, with array indexes in brackets: `members[2].idNumber`. */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
}

/** `Funds.Overdraft` → `https://sunlight.example/problems/funds-overdraft`. */
export function problemTypeFor(code: string): string {
  return problemTypeBase + code.toLowerCase().replace(/\./g, '-');
}

/**
 * The contract a domain error meets to be answered precisely instead of as a 500. Domain code
 * stays free of Nest: it only sets two plain properties.
 */
export interface HttpMappedError {
  httpStatus: number;
  code: string;
  message: string;
  title?: string;
  errors?: FieldError[];
}

export function isHttpMappedError(value: unknown): value is HttpMappedError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<HttpMappedError>;
  return typeof candidate.httpStatus === 'number' && typeof candidate.code === 'string';
}
