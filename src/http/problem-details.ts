/**
 * RFC 9457 problem details: the one error body shape every endpoint answers with, so clients
 * handle failures with one parser and always learn which field was wrong.
 */

export const problemTypeBase = 'https://sunlight.example/problems/';
export const problemContentType = 'application/problem+json';

import type { FieldError } from '@sunlight/kernel';

export type { FieldError };

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: readonly FieldError[];
}

/**
 * `FUNDS.INSUFFICIENT_FUNDS` → `https://sunlight.example/problems/funds/insufficient-funds`: the
 * context becomes a path segment, the code a lower-case, dash-separated name.
 */
export function problemTypeFor(code: string): string {
  return problemTypeBase + code.toLowerCase().replace(/_/g, '-').replace(/\./g, '/');
}
