import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestFieldError, type FieldError } from '@sunlight/kernel';

/** class-validator nests errors per object level; clients want one flat list of paths. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  parentPath = '',
): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    const path = joinPath(parentPath, error.property);
    for (const message of Object.values(error.constraints ?? {})) {
      flat.push({ field: path === '' ? '(root)' : path, message });
    }
    if (error.children && error.children.length > 0) {
      flat.push(...flattenValidationErrors(error.children, path));
    }
  }
  return flat;
}

function joinPath(parent: string, property: string): string {
  if (property === '' || property === undefined) return parent;
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Rejected values can be personal data (ID numbers); they must not travel into errors or logs.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestFieldError(flattenValidationErrors(errors)),
  });
}
