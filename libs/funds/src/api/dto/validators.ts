import { registerDecorator, type ValidationOptions } from 'class-validator';
import { amountYuanMax, parseYuan } from '../../domain';

/** A positive yuan amount as a decimal string with at most two decimals (`"180000.00"`). */
export function IsYuanAmount(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isYuanAmount',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a positive yuan amount written as a decimal string with at most two decimals and at most ${amountYuanMax} yuan, e.g. "180000.00"`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          try {
            parseYuan(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}
