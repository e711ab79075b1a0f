/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them.
 *
 * This is the algorithm of the `canonicalize` package (written by one of the RFC's authors),
 * made about twice as fast: every appended event is serialised here before it is hashed, and
 * the package was a fifth of the event store's CPU time in `bench:append`. Loops replace
 * `reduce` over template strings, a member name's JSON is remembered, and a string with nothing
 * to escape is quoted without JSON.stringify. (Handing JSON.stringify the sorted keys as its
 * property list was slower still: V8 leaves its fast path.) `canonical-json.spec.ts` checks the
 * result against the package on random values.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}

function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not allowed in JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return serialize((value as { toJSON(): unknown }).toJSON());
      }
      return Array.isArray(value)
        ? serializeArray(value)
        : serializeObject(value as Record<string, unknown>);
    case 'bigint':
      throw new TypeError('a BigInt has no JSON representation');
    default:
      return undefined; // undefined, functions and symbols: left out of objects, null in arrays
  }
}

function serializeArray(items: readonly unknown[]): string {
  let text = '[';
  for (let index = 0; index < items.length; index += 1) {
    if (index > 0) text += ',';
    text += serialize(items[index]) ?? 'null';
  }
  return `${text}]`;
}

function serializeObject(object: Record<string, unknown>): string {
  // Array.prototype.sort's default order compares UTF-16 code units, as RFC 8785 §3.2.3 asks.
  const keys = Object.keys(object).sort();
  let text = '{';
  for (const key of keys) {
    const item = serialize(object[key]);
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += memberPrefix(key) + item;
  }
  return `${text}}`;
}

/** Member names repeat from event to event; their JSON is kept, up to a bound. */
const memberPrefixes = new Map<string, string>();
const memberPrefixesMax = 10_000;

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${quote(key)}:`;
    if (memberPrefixes.size < memberPrefixesMax) memberPrefixes.set(key, prefix);
  }
  return prefix;
}

// What JSON.stringify would escape: quote, backslash, control characters, and (to be exact
// about lone surrogates, which it writes as \udXXX) any surrogate at all.
// eslint-disable-next-line no-control-regex -- control characters are what RFC 8785 escapes
const needsEscaping = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return needsEscaping.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Why a value would not come back from JSON exactly as it went in; `path` leads to it. */
export class NotPlainJsonError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'NotPlainJsonError';
  }
}

/**
 * The RFC 8785 text of a value that must survive a round trip through JSON (and PostgreSQL's
 * jsonb) unchanged: plain objects and arrays, finite numbers, booleans, null, and strings and
 * keys without NUL or lone surrogates, nested at most `depthMax` levels. Anything else throws
 * NotPlainJsonError naming where it is. For the values it accepts the text is canonicalJson's;
 * checking while writing walks each value once where a check and then canonicalJson walked it
 * twice (every appended event comes through here: `bench:append` (c) spent a tenth of the client's
 * time in the two walks). `canonical-json.spec.ts` compares the two on random values.
 */
export function canonicalPlainJson(value: unknown, depthMax: number): string {
  return plainValue(value, 0, depthMax, []);
}

function plainValue(
  value: unknown,
  depth: number,
  depthMax: number,
  path: (string | number)[],
): string {
  if (typeof value !== 'object' || value === null) return plainScalar(value, path, undefined);
  if (depth > depthMax)
    throw new NotPlainJsonError([...path], `nests deeper than ${depthMax} levels`);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += plainMember(value[index], index, depth, depthMax, path);
    }
    return `${text}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new NotPlainJsonError(
      [...path],
      'must be a plain JSON object (no Date, Map or class instance)',
    );
  }
  const keys = Object.keys(value).sort();
  let text = '{';
  for (const key of keys) {
    if (text.length > 1) text += ',';
    text +=
      plainMemberPrefix(key, path) +
      plainMember((value as Record<string, unknown>)[key], key, depth, depthMax, path);
  }
  return `${text}}`;
}

function plainMember(
  value: unknown,
  key: string | number,
  depth: number,
  depthMax: number,
  path: (string | number)[],
): string {
  if (typeof value !== 'object' || value === null) return plainScalar(value, path, key);
  path.push(key);
  const text = plainValue(value, depth + 1, depthMax, path);
  path.pop();
  return text;
}

function plainScalar(
  value: unknown,
  path: readonly (string | number)[],
  key: string | number | undefined,
): string {
  switch (typeof value) {
    case 'string':
      if (!needsEscaping.test(value)) return `"${value}"`;
      if (value.includes('\u0000') || !value.isWellFormed()) {
        throw new NotPlainJsonError(
          memberPath(path, key),
          'must not contain NUL or broken Unicode',
        );
      }
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value))
        throw new NotPlainJsonError(memberPath(path, key), 'must be a finite number');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': // null
      return 'null';
    default:
      throw new NotPlainJsonError(
        memberPath(path, key),
        `holds a ${typeof value}, which JSON cannot carry`,
      );
  }
}

/** Keys already checked, with their JSON; memberPrefixes may hold keys no one checked. */
const plainMemberPrefixes = new Map<string, string>();

function plainMemberPrefix(key: string, path: readonly (string | number)[]): string {
  let prefix = plainMemberPrefixes.get(key);
  if (prefix === undefined) {
    if (key.includes('\u0000') || !key.isWellFormed()) {
      throw new NotPlainJsonError([...path], 'has a key with NUL or broken Unicode');
    }
    prefix = `${quote(key)}:`;
    if (plainMemberPrefixes.size < memberPrefixesMax) plainMemberPrefixes.set(key, prefix);
  }
  return prefix;
}

function memberPath(
  path: readonly (string | number)[],
  key: string | number | undefined,
): (string | number)[] {
  return key === undefined ? [...path] : [...path, key];
}
