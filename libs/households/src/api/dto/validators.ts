import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { normaliseIdNumber } from '@sunlight/geo';
import { todayInChina } from '@sunlight/http';
import { idNumberFacts, idNumberProblem, parseIncomeYuan, pastDateProblem } from '../../domain';

/*
 * Checks at the HTTP edge that need more than a pattern: each answers with the domain's own words,
 * so a clerk reads the same reason whether the DTO or the decider refused the field.
 */

function decorator(
  name: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  message: (args: ValidationArguments) => string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate },
    });
}

/** An 18-character ID number (GB 11643-1999) in its normal form; legacy 15-digit ones are named. */
export function IsHouseholdIdNumber(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    'isHouseholdIdNumber',
    (value) => idNumberProblem(value, todayInChina()) === undefined,
    (args) => `${args.property} ${idNumberProblem(args.value, todayInChina()) ?? 'is not valid'}`,
    options,
  );
}

/** `sex` or `birthDate` must say what the object's `idNumber` encodes. */
export function AgreesWithIdNumber(
  fact: 'sex' | 'birthDate',
  options?: ValidationOptions,
): PropertyDecorator {
  const encoded = (args: ValidationArguments) => {
    const idNumber = (args.object as { idNumber?: unknown }).idNumber;
    return typeof idNumber === 'string' ? idNumberFacts(idNumber)?.[fact] : undefined;
  };
  return decorator(
    `agreesWithIdNumber:${fact}`,
    // When the ID number itself is wrong, its own error says so; this one stays quiet.
    (value, args) => {
      const expected = encoded(args);
      return expected === undefined || value === expected;
    },
    (args) => `${args.property} must agree with the ID number, which says ${encoded(args)}`,
    options,
  );
}

/** A real YYYY-MM-DD day, not after today in China. */
export function IsPastDate(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    'isPastDate',
    (value) => pastDateProblem(value, todayInChina()) === undefined,
    (args) => `${args.property} ${pastDateProblem(args.value, todayInChina()) ?? 'is not valid'}`,
    options,
  );
}

/** A whole year from `min` to this year. */
export function IsYearUpToNow(min: number, options?: ValidationOptions): PropertyDecorator {
  const max = () => Number(todayInChina().slice(0, 4));
  return decorator(
    'isYearUpToNow',
    (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max(),
    (args) => `${args.property} must be a year from ${min} to ${max()}`,
    options,
  );
}

/** A non-negative yuan amount written as a decimal string with at most two decimals. */
export function IsIncomeYuan(options?: ValidationOptions): PropertyDecorator {
  return decorator(
    'isIncomeYuan',
    (value) => parseIncomeYuan(value) !== undefined,
    (args) =>
      `${args.property} must be a yuan amount of zero or more written as a decimal string with at most two decimals, e.g. "3600.00" (a cost is its own type, never a negative amount)`,
    options,
  );
}

/** Full-width digits, a lower-case x and surrounding spaces, as phones type them, made normal. */
export const normaliseIdNumberInput = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normaliseIdNumber(value) : value;
