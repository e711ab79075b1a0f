// Proves that live runners keep serving the active generation and that rebuilds fill the next one.
import { liveStorageVersion, rebuildStorageVersion } from './projection-versions';

describe('projection storage versions', () => {
  it('starts a projection at generation 0 of its code version', () => {
    expect(liveStorageVersion(1, undefined)).toBe(1000);
    expect(rebuildStorageVersion(1, undefined)).toBe(1000);
  });

  it('keeps a live runner on the active generation, and rebuilds into the next', () => {
    expect(liveStorageVersion(1, 1003)).toBe(1003);
    expect(rebuildStorageVersion(1, 1003)).toBe(1004);
  });

  it('fills a new code version from generation 0 beside the old one, and retires old code', () => {
    expect(liveStorageVersion(2, 1003)).toBe(2000);
    expect(rebuildStorageVersion(2, 1003)).toBe(2000);
    expect(liveStorageVersion(1, 2000)).toBe('retired');
    expect(() => rebuildStorageVersion(1, 2000)).toThrow(/retired/);
  });
});
