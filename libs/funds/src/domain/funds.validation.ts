import { fieldRules } from '@sunlight/kernel';
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

export const fundsFieldRules = fieldRules(
  (field, reason) => new InvalidCommandError(field, reason),
);
export const { requirePattern, requireText, optionalText, requireOneOf } = fundsFieldRules;

export function isDivisionAncestor(ancestorCode: string, descendantCode: string): boolean {
  return descendantCode.length > ancestorCode.length && descendantCode.startsWith(ancestorCode);
}
