import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '../http/request-validation.error';
import { divisionCodeFormatMessage, isDivisionCode } from '@sunlight/geo';

/** Rejects a malformed `:code` path parameter with a 400 naming the field `code`. */
@Injectable()
export class DivisionCodePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isDivisionCode(value)) throw new RequestValidationError([{ field: 'code', message: `code ${divisionCodeFormatMessage}` }]);
    return value;
  }
}
