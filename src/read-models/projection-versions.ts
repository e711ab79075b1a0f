/**
 * Storage versions of a projection. A projection's code has a version (bumped when `apply`
 * changes meaning); each rebuild of the same code fills a new *generation* beside the serving
 * one. The read store only knows one number, so it stores `codeVersion × 1000 + generation`.
 */
export const generationsPerVersion = 1_000;

/** The version a live runner should fill: the active generation of this code, or a new one. */
export function liveStorageVersion(
  codeVersion: number,
  active: number | undefined,
): number | 'retired' {
  if (active === undefined) return codeVersion * generationsPerVersion;
  const activeCode = Math.floor(active / generationsPerVersion);
  if (activeCode === codeVersion) return active;
  if (activeCode < codeVersion) return codeVersion * generationsPerVersion;
  return 'retired';
}

/** The version a rebuild fills: the next generation of this code. */
export function rebuildStorageVersion(codeVersion: number, active: number | undefined): number {
  if (active === undefined) return codeVersion * generationsPerVersion;
  const activeCode = Math.floor(active / generationsPerVersion);
  if (activeCode === codeVersion) return active + 1;
  if (activeCode < codeVersion) return codeVersion * generationsPerVersion;
  throw new Error(
    `a newer code version (${activeCode}) of this projection is active; this build is retired`,
  );
}
