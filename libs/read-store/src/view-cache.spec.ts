// Proves cached read-model answers are reused only at the same position and age, shared by concurrent requests, bounded, and never keep a failure.
import { ReadModelViewCache } from './view-cache';

describe('ReadModelViewCache', () => {
  let now = 0;
  const clock = () => now;
  const counter = () => {
    let calls = 0;
    return { compute: async () => `answer ${++calls}`, calls: () => calls };
  };

  beforeEach(() => {
    now = 0;
  });

  it('reuses an answer while the position token is the same, and recomputes when it moves', async () => {
    const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
    const source = counter();
    expect(await cache.get('53', '2000@10', source.compute)).toBe('answer 1');
    expect(await cache.get('53', '2000@10', source.compute)).toBe('answer 1');
    expect(await cache.get('53', '2000@11', source.compute)).toBe('answer 2');
    // Another version at the same position is another token.
    expect(await cache.get('53', '3000@11', source.compute)).toBe('answer 3');
    expect(source.calls()).toBe(3);
  });

  it('recomputes an answer older than maxAgeMs even at the same position', async () => {
    const cache = new ReadModelViewCache<string>(10, 1_000, clock);
    const source = counter();
    await cache.get('53', 't', source.compute);
    now = 999;
    expect(await cache.get('53', 't', source.compute)).toBe('answer 1');
    now = 1_000;
    expect(await cache.get('53', 't', source.compute)).toBe('answer 2');
  });

  it('computes every time when no version is active yet (no token)', async () => {
    const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
    const source = counter();
    await cache.get('53', undefined, source.compute);
    await cache.get('53', undefined, source.compute);
    expect(source.calls()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('shares one computation between concurrent requests', async () => {
    const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
    let release!: (value: string) => void;
    let calls = 0;
    const slow = () => {
      calls += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.get('53', 't', slow);
    const second = cache.get('53', 't', slow);
    release('shared');
    expect(await Promise.all([first, second])).toEqual(['shared', 'shared']);
    expect(calls).toBe(1);
  });

  it('does not keep a failed computation', async () => {
    const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
    await expect(cache.get('53', 't', () => Promise.reject(new Error('read store down')))).rejects.toThrow('read store down');
    expect(await cache.get('53', 't', async () => 'recovered')).toBe('recovered');
  });

  it('drops the least recently used entry past entriesMax', async () => {
    const cache = new ReadModelViewCache<string>(2, Number.POSITIVE_INFINITY, clock);
    const source = counter();
    await cache.get('a', 't', source.compute);
    await cache.get('b', 't', source.compute);
    await cache.get('a', 't', source.compute);
    await cache.get('c', 't', source.compute);
    expect(cache.size).toBe(2);
    expect(await cache.get('a', 't', source.compute)).toBe('answer 1');
    expect(await cache.get('b', 't', source.compute)).toBe('answer 4');
  });
});
