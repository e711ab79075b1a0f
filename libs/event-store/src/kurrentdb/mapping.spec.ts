// Proves the KurrentDB adapter's pure translations: expected and actual revisions, metadata the server would read itself, recorded events (system events dropped, foreign ones refused), filters and their checkpoint windows, checkpoints that never go back, and `after` made exclusive for reads that start at a position.
import { InvalidAppendError } from '../errors';
import {
  fromActualState,
  isAtOrBefore,
  isSystemEvent,
  maxSearchWindowDefault,
  nextCheckpoint,
  toKurrentFilter,
  packMetadata,
  toKurrentMetadata,
  toRecordedEvent,
  toStreamState,
  type KurrentRecordedEvent,
} from './mapping';
import { encodeKurrentPosition } from './positions';

const at = (commit: number) =>
  encodeKurrentPosition({ commit: BigInt(commit), prepare: BigInt(commit) });

const recorded = (overrides: Partial<KurrentRecordedEvent> = {}): KurrentRecordedEvent => ({
  streamId: 'pool-F1-530325',
  id: '0B8E7C1A-1111-4222-8333-444455556666',
  type: 'AllocationReceived',
  revision: 4n,
  created: new Date('2026-12-03T10:00:00.000Z'),
  isJson: true,
  data: { amountFen: '18000000' },
  metadata: { actor: { id: 'u1', role: 'finance' } },
  position: { commit: 1200n, prepare: 1100n },
  ...overrides,
});

describe('expected and actual revisions', () => {
  it.each(['any', 'no_stream', 'stream_exists', 0n, 41n] as const)(
    'passes %p to the client unchanged (same strings, same 0-based revision)',
    (expected) => {
      expect(toStreamState(expected)).toBe(expected);
    },
  );

  it('reads the actual state of a conflict as a revision or no stream', () => {
    expect(fromActualState(7n)).toBe(7n);
    expect(fromActualState(0n)).toBe(0n);
    expect(fromActualState(3)).toBe(3n);
    expect(fromActualState('no_stream')).toBe('no_stream');
    // Deleted (-5) and tombstoned (-6) streams: nothing a writer may append after.
    expect(fromActualState(-5n)).toBe('no_stream');
    expect(fromActualState(-6n)).toBe('no_stream');
    expect(fromActualState(undefined)).toBe('no_stream');
  });
});

describe('metadata', () => {
  it('passes the app metadata through as it is', () => {
    const metadata = { actor: { id: 'u1' }, correlationId: 'c', causationId: 'd' };
    expect(toKurrentMetadata('events[0].metadata', metadata)).toBe(metadata);
  });

  it('refuses a top-level key the server would read itself, naming it', () => {
    let caught: unknown;
    try {
      toKurrentMetadata('events[2].metadata', { actor: {}, $correlationId: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidAppendError);
    expect(caught).toMatchObject({ field: 'events[2].metadata.$correlationId' });
  });
});

describe('metadata packed by a multi-stream append', () => {
  const metadata = { actor: { id: 'u1', role: 'finance' }, claims: ['transfer:T1'], n: 1 };

  it('packs into one string property, as multiStreamAppend requires, and reads back deep-equal', () => {
    const packed = packMetadata(JSON.stringify(metadata));
    expect(Object.values(packed).every((value) => typeof value === 'string')).toBe(true);
    expect(toRecordedEvent(recorded({ metadata: packed })).metadata).toEqual(metadata);
  });

  it('takes only the packed key when the server adds properties of its own beside it', () => {
    const stored = { ...packMetadata(JSON.stringify(metadata)), '$schema.name': 'Claimed' };
    expect(toRecordedEvent(recorded({ metadata: stored })).metadata).toEqual(metadata);
  });

  it('refuses packed metadata that is not a JSON object', () => {
    expect(() => toRecordedEvent(recorded({ metadata: packMetadata('[1]') }))).toThrow(TypeError);
  });

  it('refuses the packed key in metadata the app writes, so nothing unpacks by mistake', () => {
    expect(() => toKurrentMetadata('events[2].metadata', { 'sunlight-metadata': 'x' })).toThrow(
      expect.objectContaining({ field: 'events[2].metadata.sunlight-metadata' }),
    );
  });
});

describe('recorded events', () => {
  it('maps a JSON event to the port, ids lower-cased, the position encoded', () => {
    expect(toRecordedEvent(recorded())).toEqual({
      eventId: '0b8e7c1a-1111-4222-8333-444455556666',
      type: 'AllocationReceived',
      data: { amountFen: '18000000' },
      metadata: { actor: { id: 'u1', role: 'finance' } },
      streamName: 'pool-F1-530325',
      revision: 4n,
      position: encodeKurrentPosition({ commit: 1200n, prepare: 1100n }),
      recordedAt: new Date('2026-12-03T10:00:00.000Z'),
    });
  });

  it('reads absent metadata as empty', () => {
    expect(toRecordedEvent(recorded({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses what the app never writes: binary or non-object data, or no position', () => {
    expect(() => toRecordedEvent(recorded({ isJson: false, data: new Uint8Array(2) }))).toThrow(
      /not a JSON object event/,
    );
    expect(() => toRecordedEvent(recorded({ data: [1, 2] }))).toThrow(/not a JSON object event/);
    expect(() => toRecordedEvent(recorded({ position: undefined }))).toThrow(
      /without its log position/,
    );
  });

  it('knows system events by their type or stream', () => {
    expect(isSystemEvent({ type: '$metadata', streamId: 'x' })).toBe(true);
    expect(isSystemEvent({ type: 'Anything', streamId: '$stats-127.0.0.1:2113' })).toBe(true);
    expect(isSystemEvent({ type: 'FundLineCreated', streamId: 'fund-F1' })).toBe(false);
  });
});

describe('filters', () => {
  it('maps prefixes on stream names and on event types', () => {
    expect(toKurrentFilter({ on: 'streamName', prefixes: ['pool-', 'fund-'] }, 10)).toEqual({
      filterOn: 'streamName',
      prefixes: ['pool-', 'fund-'],
      maxSearchWindow: 10,
      checkpointInterval: 1,
    });
    expect(toKurrentFilter({ on: 'eventType', prefixes: ['Allocation'] }, 1)).toMatchObject({
      filterOn: 'eventType',
      maxSearchWindow: 1,
      checkpointInterval: 1,
    });
    expect(toKurrentFilter(undefined, 50)).toBeUndefined();
  });

  it.each([1, 31, 32, 33, 50, 64, 1000, 1001])(
    'reports progress at least every %i scanned events',
    (every) => {
      const filter = toKurrentFilter({ on: 'streamName', prefixes: ['p'] }, every)!;
      const scanned = filter.maxSearchWindow * filter.checkpointInterval;
      expect(filter.maxSearchWindow).toBeLessThanOrEqual(maxSearchWindowDefault);
      expect(scanned).toBeGreaterThanOrEqual(every);
      // The smallest multiplier: one window less would fall short.
      expect(scanned - filter.maxSearchWindow).toBeLessThan(every);
    },
  );

  it('refuses a filter with no prefix and a checkpoint interval that is not a positive integer', () => {
    expect(() => toKurrentFilter({ on: 'streamName', prefixes: [] }, 10)).toThrow(RangeError);
    expect(() => toKurrentFilter(undefined, 0)).toThrow(RangeError);
    expect(() => toKurrentFilter(undefined, 1.5)).toThrow(RangeError);
  });
});

describe('checkpoints and exclusive starts', () => {
  it('hands on increasing checkpoints, raised to the last delivered event', () => {
    expect(nextCheckpoint(at(10), undefined, undefined)).toBe(at(10));
    expect(nextCheckpoint(at(10), at(12), undefined)).toBe(at(12));
    expect(nextCheckpoint(at(20), at(12), at(10))).toBe(at(20));
  });

  it('drops a checkpoint that would not move forward', () => {
    expect(nextCheckpoint(at(9), undefined, at(10))).toBeUndefined();
    expect(nextCheckpoint(at(10), undefined, at(10))).toBeUndefined();
    expect(nextCheckpoint(at(5), at(10), at(10))).toBeUndefined();
  });

  it('skips the event at `after` and before it, and nothing without `after`', () => {
    expect(isAtOrBefore(at(5), at(5))).toBe(true);
    expect(isAtOrBefore(at(4), at(5))).toBe(true);
    expect(isAtOrBefore(at(6), at(5))).toBe(false);
    expect(isAtOrBefore(at(6), undefined)).toBe(false);
  });
});
