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
    await expect(
      cache.get('53', 't', () => Promise.reject(new Error('read store down'))),
    ).rejects.toThrow('read store down');
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

  describe('getStamped', () => {
    const stamped = () => {
      let stamp = 'v1|10';
      let stampReads = 0;
      let computes = 0;
      return {
        setStamp: (next: string) => (stamp = next),
        stampOf: async () => {
          stampReads += 1;
          return { stamp, context: `doc at ${stamp}` };
        },
        compute: async (context: string) => `answer ${++computes} from ${context}`,
        stampReads: () => stampReads,
        computes: () => computes,
      };
    };

    it('reads no stamp while the token is the same', async () => {
      const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
      const source = stamped();
      expect(await cache.getStamped('5303', '2000@10', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
      expect(await cache.getStamped('5303', '2000@10', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
      expect(source.stampReads()).toBe(1);
    });

    it('keeps an answer when the token moves but its own documents did not, and recomputes when they did', async () => {
      const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
      const source = stamped();
      await cache.getStamped('5303', '2000@10', source.stampOf, source.compute);
      // Another division's event moved the projection.
      expect(await cache.getStamped('5303', '2000@11', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
      // Filed under the new token: no stamp read at it again.
      expect(await cache.getStamped('5303', '2000@11', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
      expect(source.stampReads()).toBe(2);
      source.setStamp('v1|12');
      expect(await cache.getStamped('5303', '2000@12', source.stampOf, source.compute)).toBe(
        'answer 2 from doc at v1|12',
      );
      expect(source.computes()).toBe(2);
    });

    it('lets a kept answer expire at its first age, not at the age of its last check', async () => {
      const cache = new ReadModelViewCache<string>(10, 1_000, clock);
      const source = stamped();
      await cache.getStamped('53', 't1', source.stampOf, source.compute);
      now = 900;
      expect(await cache.getStamped('53', 't2', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
      now = 1_000;
      expect(await cache.getStamped('53', 't2', source.stampOf, source.compute)).toBe(
        'answer 2 from doc at v1|10',
      );
    });

    it('never matches an answer filed by plain get, which has no stamp', async () => {
      const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
      const source = stamped();
      await cache.get('53', 't1', async () => 'unstamped');
      expect(await cache.getStamped('53', 't2', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
    });

    it('reads and computes every time without a token', async () => {
      const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
      const source = stamped();
      await cache.getStamped('53', undefined, source.stampOf, source.compute);
      await cache.getStamped('53', undefined, source.stampOf, source.compute);
      expect([source.stampReads(), source.computes(), cache.size]).toEqual([2, 2, 0]);
    });

    it('does not keep a failed computation', async () => {
      const cache = new ReadModelViewCache<string>(10, Number.POSITIVE_INFINITY, clock);
      const source = stamped();
      await expect(
        cache.getStamped('53', 't1', source.stampOf, () =>
          Promise.reject(new Error('read store down')),
        ),
      ).rejects.toThrow();
      expect(await cache.getStamped('53', 't2', source.stampOf, source.compute)).toBe(
        'answer 1 from doc at v1|10',
      );
    });
  });
});
