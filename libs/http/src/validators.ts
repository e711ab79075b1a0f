import { registerDecorator, type ValidationOptions } from 'class-validator';
import { validateIdNumber } from '@sunlight/geo';
import { humanTextProblem } from '@sunlight/kernel';

/**
 * Text a person wrote (a name, a reason): something visible in it, no control characters, at
 * most `lengthMax` UTF-16 units. Chinese, Yi and other scripts, and `·` in transliterated names,
 * pass as they are.
 */
export function IsHumanText(lengthMax: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHumanText',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [lengthMax],
      options: {
        message: `$property must be text with something visible in it, no control characters and at most ${lengthMax} characters`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && humanTextProblem(value, lengthMax) === undefined,
      },
    });
}

/** Today in China (UTC+8), as YYYY-MM-DD: the date a birth date may not lie after. */
export function todayInChina(nowMs: number = Date.now()): string {
  return new Date(nowMs + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * A resident ID number (公民身份号码, GB 11643-1999) with a correct check character and a birth
 * date that is a real day, not after today.
 */
export function IsResidentIdNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResidentIdNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          '$property must be an 18-character resident ID number with a valid birth date (not in the future), province and check character',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && validateIdNumber(value, { today: todayInChina() }).ok,
      },
    });
}
