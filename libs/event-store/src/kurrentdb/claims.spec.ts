// Proves the KurrentDB claims planning: which claim-stream records an append writes (and at which revision of each claim stream), that a key held by another stream refuses the whole append before anything is written, that releases free only the releasing stream's keys, that claims need a known revision, and that a claim stream's last record reads back as its holder.
import { ClaimTakenError, InvalidAppendError } from '../errors';
import {
  claimKeysOf,
  claimStateOf,
  claimStreamName,
  firstRevisionOf,
  hasClaims,
  keyClaimedType,
  keyReleasedType,
  planClaims,
  type ClaimStreamState,
} from './claims';

const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const event = (index: number, claims?: string[], releases?: string[]) => ({
  eventId: ids[index]!,
  metadata: {
    actor: { id: 'u1' },
    ...(claims === undefined ? {} : { claims }),
    ...(releases === undefined ? {} : { releases }),
  },
});
const free: ClaimStreamState = { revision: 'no_stream' };
const heldBy = (stream: string, revision: bigint): ClaimStreamState => ({
  revision,
  holder: { stream, revision: '0', eventId: ids[0]! },
});

describe('claim streams', () => {
  it('names a key by its hash, never by the key itself', () => {
    const name = claimStreamName('person:530325199001011234');
    expect(name).toMatch(/^sunlight-store-claim-[0-9a-f]{64}$/);
    expect(name).not.toContain('530325199001011234');
    expect(claimStreamName('person:530325199001011234')).toBe(name);
    expect(claimStreamName('person:530325199001011235')).not.toBe(name);
  });

  it('finds the claims and releases of a batch, each key once', () => {
    expect(hasClaims([event(0)])).toBe(false);
    expect(hasClaims([event(0), event(1, undefined, ['k'])])).toBe(true);
    expect(claimKeysOf([event(0, ['b', 'a']), event(1, ['a'], ['c'])])).toEqual(['a', 'b', 'c']);
  });

  it('needs a known revision for the first event: exact or no_stream', () => {
    expect(firstRevisionOf('no_stream')).toBe(0n);
    expect(firstRevisionOf(4n)).toBe(5n);
    for (const expected of ['any', 'stream_exists'] as const) {
      expect(() => firstRevisionOf(expected)).toThrow(InvalidAppendError);
      expect(() => firstRevisionOf(expected)).toThrow(/expectedRevision/);
    }
  });

  it('reads a claim stream: empty is free, KeyClaimed names the holder, KeyReleased frees', () => {
    expect(claimStateOf(undefined)).toEqual({ revision: 'no_stream' });
    const holder = { stream: 'pool-1', revision: '3', eventId: ids[0]! };
    expect(claimStateOf({ type: keyClaimedType, data: holder, revision: 2n })).toEqual({
      revision: 2n,
      holder,
    });
    expect(claimStateOf({ type: keyReleasedType, data: holder, revision: 3n })).toEqual({
      revision: 3n,
    });
    expect(() => claimStateOf({ type: 'Other', data: {}, revision: 0n })).toThrow(TypeError);
    expect(() =>
      claimStateOf({ type: keyClaimedType, data: { stream: 'x' }, revision: 0n }),
    ).toThrow(TypeError);
  });
});

describe('planning the claim records of an append', () => {
  it('claims a free key at its claim stream state, naming the event by revision and id', () => {
    const writes = planClaims('pool-1', [event(0), event(1, ['k'])], 5n, new Map([['k', free]]));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      key: 'k',
      streamName: claimStreamName('k'),
      expectedState: 'no_stream',
      records: [
        { type: keyClaimedType, data: { stream: 'pool-1', revision: '6', eventId: ids[1] } },
      ],
    });
  });

  it('gives a retried plan the same record ids, and different keys different ones', () => {
    const plan = () =>
      planClaims(
        'pool-1',
        [event(0, ['k', 'j'])],
        0n,
        new Map([
          ['k', free],
          ['j', free],
        ]),
      );
    const [first, second] = [plan(), plan()];
    expect(first.map((write) => write.records[0]!.eventId)).toEqual(
      second.map((write) => write.records[0]!.eventId),
    );
    expect(first[0]!.records[0]!.eventId).not.toBe(first[1]!.records[0]!.eventId);
  });

  it('writes nothing when the stream claims a key it already holds', () => {
    expect(
      planClaims('pool-1', [event(1, ['k'])], 1n, new Map([['k', heldBy('pool-1', 0n)]])),
    ).toEqual([]);
  });

  it('refuses a key another stream holds, naming the key and (internally) the holder', () => {
    let caught: unknown;
    try {
      planClaims('pool-2', [event(0, ['k'])], 0n, new Map([['k', heldBy('pool-1', 4n)]]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ClaimTakenError);
    expect(caught).toMatchObject({ key: 'k', heldBy: 'pool-1' });
  });

  it('releases a held key at its claim stream revision, after which another event may claim it', () => {
    const writes = planClaims(
      'pool-1',
      [event(0, undefined, ['k']), event(1, ['k'])],
      7n,
      new Map([['k', heldBy('pool-1', 2n)]]),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.expectedState).toBe(2n);
    expect(writes[0]!.records.map((record) => [record.type, record.data['revision']])).toEqual([
      [keyReleasedType, '7'],
      [keyClaimedType, '8'],
    ]);
  });

  it("ignores a release of a key the stream does not hold, as PostgreSQL's trigger does", () => {
    const states = new Map([
      ['mine-not', heldBy('pool-9', 0n)],
      ['never', free],
    ]);
    expect(planClaims('pool-1', [event(0, undefined, ['mine-not', 'never'])], 0n, states)).toEqual(
      [],
    );
  });

  it('applies an event’s releases before its claims, so releasing and claiming one key keeps it', () => {
    const writes = planClaims(
      'pool-1',
      [event(0, ['k'], ['k'])],
      3n,
      new Map([['k', heldBy('pool-1', 0n)]]),
    );
    expect(writes[0]!.records.map((record) => record.type)).toEqual([
      keyReleasedType,
      keyClaimedType,
    ]);
  });

  it('refuses to plan a key whose claim stream was not read', () => {
    expect(() => planClaims('pool-1', [event(0, ['k'])], 0n, new Map())).toThrow(/not read/);
  });
});
