/**
 * A broken invariant is a bug in our own code, not a user mistake, so it crashes loudly with a
 * plain `Error` that no HTTP mapping will mistake for an expected failure.
 */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant: ${message}`);
}

/** Ends an exhaustive `switch`: the compiler proves it unreachable, the runtime guards old data. */
export function assertNever(value: never, what: string): never {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
  throw new Error(`invariant: unhandled ${what} ${text}`);
}
