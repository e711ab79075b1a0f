import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value. The `canonicalize` package is
 * written by one of the RFC's authors; we wrap it so that no caller can forget that the
 * result must be defined (undefined and functions are not JSON).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}
