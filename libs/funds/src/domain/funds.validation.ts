import { InvalidCommandError } from './funds.errors';

/**
 * Identifier and text rules shared by the funds deciders. They are a backstop behind the HTTP
 * DTOs: whatever reaches an event must already satisfy them.
 */

// No '.' in a fund id, so `pool-<fundId>.<divisionCode>` splits back unambiguously.
export const fundIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const transferIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
// GB/T 2260 and statistical codes at their natural lengths (province 2 … village 12), as in libs/geo.
export const divisionCodePattern = /^(?:\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;

export const reasonLengthMax = 500;
export const nameLengthMax = 200;
export const referenceLengthMax = 128;

export function requirePattern(field: string, value: unknown, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidCommandError(field, `must match ${pattern.source}`);
  }
  return value;
}

/** A required human text: present, not blank, bounded. Stored exactly as given. */
export function requireText(field: string, value: unknown, lengthMax: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidCommandError(field, 'is required and must not be blank');
  }
  if (value.length > lengthMax) {
    throw new InvalidCommandError(field, `must be at most ${lengthMax} characters`);
  }
  return value;
}

export function optionalText(field: string, value: unknown, lengthMax: number): string | undefined {
  return value === undefined ? undefined : requireText(field, value, lengthMax);
}

export function requireOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidCommandError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function isDivisionAncestor(ancestorCode: string, descendantCode: string): boolean {
  return descendantCode.length > ancestorCode.length && descendantCode.startsWith(ancestorCode);
}
