import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isRealDate } from '../../domain';

/** A real calendar day written YYYY-MM-DD (not 2026-13-01, not 2026-02-30). */
export function IsRealDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRealDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a real date written YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isRealDate(value) },
    });
}
