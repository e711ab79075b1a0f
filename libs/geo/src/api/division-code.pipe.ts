import type { PipeTransform } from '@nestjs/common';
import { RequestFieldError } from '@sunlight/kernel';
import { divisionCodeFormatMessage, isDivisionCode } from '../division-code';

/**
 * Rejects a malformed division code path parameter with a 400 naming the parameter. Used as an
 * instance (`new DivisionCodePipe('villageCode')`) so each route names its own field.
 */
export class DivisionCodePipe implements PipeTransform<unknown, string> {
  constructor(private readonly field = 'code') {}

  transform(value: unknown): string {
    if (!isDivisionCode(value))
      throw new RequestFieldError([
        { field: this.field, message: `${this.field} ${divisionCodeFormatMessage}` },
      ]);
    return value;
  }
}
