import type { NestExpressApplication } from '@nestjs/platform-express';
import { RequestFieldError, type FieldError } from '@sunlight/kernel';

/*
 * Checks on the shape of every request before any route sees it. The validation pipe walks a
 * body recursively, so a deeply nested one overflowed the stack (a 500); `__proto__` and
 * `constructor` keys slipped past the unknown-property check; an array where a query parameter
 * was expected (`limit[]=1`) was silently ignored; a NUL byte in a path parameter reached
 * PostgreSQL. Each is a 400 naming the field here, and nothing is written.
 */

/** Nesting of objects and arrays in a JSON body; commands are a few levels deep. */
export const jsonDepthMax = 32;
/** Keys of one object, elements of one array. */
export const jsonEntriesPerContainerMax = 1_000;
/** Values in the whole body. */
export const jsonValuesMax = 50_000;

const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const queryKeyPattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The first thing wrong with a parsed JSON body, walked without recursion. */
export function jsonShapeProblem(body: unknown): FieldError | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: body, path: '', depth: 0 },
  ];
  let values = 0;
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop() as (typeof pending)[number];
    values += 1;
    if (values > jsonValuesMax) {
      return { field: '(root)', message: `must hold at most ${jsonValuesMax} values` };
    }
    if (value === null || typeof value !== 'object') continue;
    const here = path === '' ? '(root)' : path;
    if (depth >= jsonDepthMax) {
      return { field: here, message: `nests deeper than ${jsonDepthMax} levels` };
    }
    if (Array.isArray(value)) {
      if (value.length > jsonEntriesPerContainerMax) {
        return { field: here, message: `must hold at most ${jsonEntriesPerContainerMax} elements` };
      }
      value.forEach((element, index) =>
        pending.push({ value: element, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > jsonEntriesPerContainerMax) {
      return { field: here, message: `must hold at most ${jsonEntriesPerContainerMax} keys` };
    }
    for (const key of keys) {
      const field = path === '' ? key : `${path}.${key}`;
      if (forbiddenKeys.has(key)) return { field, message: 'is not an allowed property name' };
      pending.push({
        value: (value as Record<string, unknown>)[key],
        path: field,
        depth: depth + 1,
      });
    }
  }
  return undefined;
}

/** The first query parameter that is not one plain value under a plain name. */
export function queryShapeProblem(query: Record<string, unknown>): FieldError | undefined {
  for (const [key, value] of Object.entries(query)) {
    if (!queryKeyPattern.test(key)) {
      return { field: key, message: 'is not a query parameter name this API uses' };
    }
    if (typeof value !== 'string') {
      return { field: key, message: 'must be given once, as a single value' };
    }
    if (controlCharacters.test(value)) {
      return { field: key, message: 'must not contain control characters' };
    }
  }
  return undefined;
}

interface ShapedRequest {
  body?: unknown;
  query?: Record<string, unknown>;
  path?: string;
}

/** Installs the checks; after the body parser, before any route. */
export function useRequestShapeChecks(app: NestExpressApplication): void {
  app.use((request: ShapedRequest, _response: unknown, next: (error?: unknown) => void) => {
    const problem =
      pathProblem(request.path ?? '') ??
      queryShapeProblem(request.query ?? {}) ??
      (request.body === undefined ? undefined : jsonShapeProblem(request.body));
    next(problem === undefined ? undefined : new RequestFieldError([problem]));
  });
}

function pathProblem(path: string): FieldError | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return { field: 'path', message: 'is not valid percent-encoding' };
  }
  return controlCharacters.test(decoded)
    ? { field: 'path', message: 'must not contain control characters' }
    : undefined;
}
