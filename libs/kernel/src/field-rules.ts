import { humanTextProblem } from './text';

/**
 * The checks deciders make on command fields, as a backstop behind the HTTP DTOs: whatever reaches
 * an event must satisfy them. Each context binds them to its own invalid-command error, so a
 * refused field surfaces with that context's code.
 */
export interface FieldRules {
  /** The context's error for a refused field. */
  invalid(field: string, reason: string): Error;
  requirePattern(field: string, value: unknown, pattern: RegExp): string;
  /**
   * A required human text: present, something visible in it, no control characters, bounded (in
   * UTF-16 units). Stored exactly as given.
   */
  requireText(field: string, value: unknown, lengthMax: number): string;
  optionalText(field: string, value: unknown, lengthMax: number): string | undefined;
  requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T;
}

export function fieldRules(invalid: (field: string, reason: string) => Error): FieldRules {
  const requireText = (field: string, value: unknown, lengthMax: number): string => {
    if (typeof value !== 'string') throw invalid(field, 'is required and must not be blank');
    const problem = humanTextProblem(value, lengthMax);
    if (problem !== undefined) throw invalid(field, problem);
    return value;
  };
  return {
    invalid,
    requirePattern(field, value, pattern) {
      if (typeof value !== 'string' || !pattern.test(value)) {
        throw invalid(field, `must match ${pattern.source}`);
      }
      return value;
    },
    requireText,
    optionalText: (field, value, lengthMax) =>
      value === undefined ? undefined : requireText(field, value, lengthMax),
    requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        throw invalid(field, `must be one of ${allowed.join(', ')}`);
      }
      return value as T;
    },
  };
}
