import { RequestFieldError } from '@sunlight/kernel';

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
