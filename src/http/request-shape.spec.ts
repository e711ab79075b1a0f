// Proves the shape checks every request passes before a route sees it: deep or huge JSON bodies, prototype-named keys, array-shaped or oddly named query parameters and control characters are each refused naming the field, and ordinary commands pass.
import { RequestFieldError } from '@sunlight/kernel';
import {
  jsonDepthMax,
  jsonEntriesPerContainerMax,
  jsonShapeProblem,
  queryShapeProblem,
} from './request-shape';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

describe('jsonShapeProblem', () => {
  it('passes an ordinary command', () => {
    expect(
      jsonShapeProblem({
        transferId: 'd-1',
        beneficiary: { kind: 'household', id: 'hh-1', name: '阿都·木呷' },
        amount: '3600.00',
        tags: ['a', 'b'],
      }),
    ).toBeUndefined();
  });

  it(`passes ${jsonDepthMax - 1} levels and refuses more, naming the path, without a stack overflow`, () => {
    expect(jsonShapeProblem(nested(jsonDepthMax - 1))).toBeUndefined();
    expect(jsonShapeProblem(nested(100_000))).toMatchObject({
      field: `a${'.a'.repeat(jsonDepthMax - 1)}`,
      message: `nests deeper than ${jsonDepthMax} levels`,
    });
    expect(jsonShapeProblem(JSON.parse('['.repeat(5000) + ']'.repeat(5000)))).toMatchObject({
      message: `nests deeper than ${jsonDepthMax} levels`,
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a key named %s at any depth',
    (key) => {
      const body = JSON.parse(`{"beneficiary": {"${key}": {"admin": true}}}`);
      expect(jsonShapeProblem(body)).toEqual({
        field: `beneficiary.${key}`,
        message: 'is not an allowed property name',
      });
    },
  );

  it('refuses an object with too many keys or an array with too many elements', () => {
    const wide = Object.fromEntries(
      Array.from({ length: jsonEntriesPerContainerMax + 1 }, (_, i) => [`k${i}`, i]),
    );
    expect(jsonShapeProblem(wide)).toMatchObject({ field: '(root)' });
    expect(
      jsonShapeProblem({ list: new Array(jsonEntriesPerContainerMax + 1).fill(0) }),
    ).toMatchObject({ field: 'list' });
  });
});

describe('queryShapeProblem', () => {
  it('passes plain parameters', () => {
    expect(queryShapeProblem({ limit: '10', fromRevision: '0' })).toBeUndefined();
  });

  it.each([
    [{ 'limit[]': '1' }, 'limit[]', 'is not a query parameter name this API uses'],
    [{ limit: ['1', '2'] }, 'limit', 'must be given once, as a single value'],
    [{ asOf: 'x\u0000' }, 'asOf', 'must not contain control characters'],
  ])('refuses %j naming the parameter', (query, field, message) => {
    expect(queryShapeProblem(query as Record<string, unknown>)).toEqual({ field, message });
  });
});

describe('RequestFieldError with many fields', () => {
  it('lists at most 20 of 20,000 unknown keys and counts the rest in its detail', () => {
    const errors = Array.from({ length: 20_000 }, (_, i) => ({
      field: `k${i}`,
      message: 'property should not exist',
    }));
    const error = new RequestFieldError(errors);
    expect(error.errors).toHaveLength(20);
    expect(error.message).toMatch(/^20000 fields are not valid: k0, .*, k19 and 19980 more\.$/);
    expect(JSON.stringify({ detail: error.message, errors: error.errors }).length).toBeLessThan(
      2_000,
    );
  });
});
