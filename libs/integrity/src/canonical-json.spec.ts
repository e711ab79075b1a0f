import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson, canonicalPlainJson, NotPlainJsonError } from './canonical-json';

// Characters JSON must escape, lone surrogates, and characters it must not escape.
const tricky = fc.string({
  unit: fc.constantFrom(
    '"',
    '\\',
    '\u0000',
    '\u001f',
    '\u007f',
    '\ud800',
    '\udc00',
    '\u2028',
    'a',
    '€',
  ),
});
const key = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  tricky,
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    tricky,
    fc.array(tie('value')),
    fc.dictionary(key, tie('value')),
  ),
})).value;

describe('canonicalJson (RFC 8785)', () => {
  it('writes the example of RFC 8785 §3.2.2 byte for byte', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, not code points (RFC 8785 §3.2.3)', () => {
    // U+1F600 is stored as the surrogates D83D DE00, which sort before U+FB33.
    expect(canonicalJson({ '\ufb33': 1, '\u{1f600}': 2, a: 3, '\u00e9': 4 })).toBe(
      '{"a":3,"\u00e9":4,"\u{1f600}":2,"\ufb33":1}',
    );
  });

  it('orders integer-like keys as text, where JavaScript objects list them numerically', () => {
    expect(canonicalJson({ 10: 1, 2: 2, 1: { b: 1, a: 2 } })).toBe(
      '{"1":{"a":2,"b":1},"10":1,"2":2}',
    );
  });

  it('equals the reference implementation (the canonicalize package) on random JSON', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves out undefined members and writes undefined array items as null, like JSON.stringify', () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1] })).toBe('{"a":[null,1]}');
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.006Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.006Z"}',
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow('value has no JSON representation');
  });
});

describe('canonicalPlainJson (RFC 8785 of values that survive a JSON round trip)', () => {
  const hasNulOrLoneSurrogate = (value: unknown): boolean => {
    const bad = (text: string) => text.includes('\u0000') || !text.isWellFormed();
    if (typeof value === 'string') return bad(value);
    if (Array.isArray(value)) return value.some(hasNulOrLoneSurrogate);
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value).some(
        ([name, member]) => bad(name) || hasNulOrLoneSurrogate(member),
      );
    }
    return false;
  };

  it('writes what canonicalJson writes, and refuses exactly the values with NUL or a lone surrogate', () => {
    const seen = { written: 0, refused: 0 };
    fc.assert(
      fc.property(json, (value) => {
        if (hasNulOrLoneSurrogate(value)) {
          expect(() => canonicalPlainJson(value, 64)).toThrow(NotPlainJsonError);
          seen.refused += 1;
        } else {
          expect(canonicalPlainJson(value, 64)).toBe(canonicalJson(value));
          seen.written += 1;
        }
      }),
      { numRuns: 2_000 },
    );
    // Both sides of the property were exercised, not one alone.
    expect(seen.written).toBeGreaterThan(500);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it.each([
    [
      'a NUL in a string',
      { items: [{ note: 'ok' }, { note: 'a\u0000b' }] },
      ['items', 1, 'note'],
      'must not contain NUL or broken Unicode',
    ],
    [
      'a lone surrogate in a key',
      { nested: { ['k\ud800']: 1 } },
      ['nested'],
      'has a key with NUL or broken Unicode',
    ],
    ['NaN', { ratio: Number.NaN }, ['ratio'], 'must be a finite number'],
    ['a bigint', { amount: 1n }, ['amount'], 'holds a bigint, which JSON cannot carry'],
    [
      'undefined in an array',
      { list: [1, undefined] },
      ['list', 1],
      'holds a undefined, which JSON cannot carry',
    ],
    [
      'a function member named toJSON',
      { toJSON: () => 'x' },
      ['toJSON'],
      'holds a function, which JSON cannot carry',
    ],
    [
      'a Date',
      { at: new Date(0) },
      ['at'],
      'must be a plain JSON object (no Date, Map or class instance)',
    ],
    [
      'a Map',
      { index: [new Map()] },
      ['index', 0],
      'must be a plain JSON object (no Date, Map or class instance)',
    ],
    [
      'nesting past the limit',
      { a: { b: { c: {} } } },
      ['a', 'b', 'c'],
      'nests deeper than 2 levels',
    ],
  ])('refuses %s, naming where', (_label, value, path, reason) => {
    let thrown: unknown;
    try {
      canonicalPlainJson(value, 2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NotPlainJsonError);
    expect(thrown).toMatchObject({ path, reason });
  });

  it('accepts objects without a prototype, and nesting up to the limit', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      b: 1,
      a: [true, null],
    });
    expect(canonicalPlainJson({ x: bare }, 2)).toBe('{"x":{"a":[true,null],"b":1}}');
    expect(canonicalPlainJson({ a: { b: {} } }, 2)).toBe('{"a":{"b":{}}}');
  });
});
