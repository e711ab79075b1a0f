/**
 * Proves the generic command handler on a real PostgreSQL store: it folds, decides and appends
 * with the expected revision, retries on conflicts so concurrent commands all land exactly once,
 * returns without writing when the decider has nothing to do, and loads from snapshot + tail.
 */
import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../test/support/test-database';
import { AppError, type Decider } from '@sunlight/kernel';
import {
  deciderHandler,
  deterministicUuid,
  type DeciderHandler,
  type SnapshotPolicy,
} from './decider-handler';
import { WrongExpectedVersionError } from './errors';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { PostgresSnapshotStore } from './postgres/postgres-snapshot-store';
import { collect } from './testing/event-store.contract';
import type { RecordedEvent } from './event-store.port';

type CounterEvent =
  | { type: 'Added'; data: { by: number; key: string } }
  | { type: 'Confirmed'; data: { key: string } };
type CounterCommand = { type: 'Add'; by: number; key: string } | { type: 'Confirm'; key: string };

class UnknownKeyError extends AppError {
  readonly code = 'COUNTER.UNKNOWN_KEY';
  readonly httpStatus = 422;
  constructor(key: string) {
    super(`no add with key ${key}`);
  }
}
interface CounterState {
  total: number;
  keys: string[];
}

/** A counter whose adds are idempotent by key, like transfers are by transferId. */
const counter: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: () => ({ total: 0, keys: [] }),
  decide: (command, state) => {
    if (command.type === 'Confirm') {
      if (!state.keys.includes(command.key)) throw new UnknownKeyError(command.key);
      return [{ type: 'Confirmed', data: { key: command.key } }];
    }
    return state.keys.includes(command.key)
      ? []
      : [{ type: 'Added', data: { by: command.by, key: command.key } }];
  },
  evolve: (state, event) =>
    event.type === 'Confirmed'
      ? state
      : { total: state.total + event.data.by, keys: [...state.keys, event.data.key] },
};

describe('deciderHandler', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let snapshots: PostgresSnapshotStore;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(postgresTargets()[0].adminUrl, 'handle');
    store = await PostgresEventStore.open({ connectionString: databaseUrl });
    snapshots = new PostgresSnapshotStore(store.pool, {
      sealKey: 'decider-handler-test-key'.padEnd(48, 'k'),
    });
  });
  afterAll(async () => {
    await store.close();
    await dropTestDatabase(databaseUrl);
  });

  const toDomainEvent = (recorded: RecordedEvent) => recorded as unknown as CounterEvent;
  const counters = (
    options: { snapshots?: SnapshotPolicy<CounterState>; cacheEntriesMax?: number } = {},
  ) => deciderHandler(store, { decider: counter, toDomainEvent, ...options });
  const add = (
    streamName: string,
    by: number,
    key: string = randomUUID(),
    handler: DeciderHandler<CounterState, CounterCommand, CounterEvent> = counters(),
  ) =>
    handler.handle(
      streamName,
      { type: 'Add', by, key },
      { commandId: randomUUID(), actor: { id: 'u1', role: 'finance', division: '53' } },
    );

  it('appends the decided events and returns the new state and revision', async () => {
    const stream = `counter-${randomUUID()}`;
    await add(stream, 2);
    const result = await add(stream, 3);
    expect(result.state.total).toBe(5);
    expect(result.revision).toBe(1n);
    expect(result.events).toHaveLength(1);
    const [first] = await collect(store.readStream(stream));
    expect(first.metadata).toMatchObject({ actor: { id: 'u1' } });
  });

  it('writes nothing when the decider returns no events', async () => {
    const stream = `counter-${randomUUID()}`;
    await add(stream, 2, 'k1');
    const repeat = await add(stream, 2, 'k1');
    expect(repeat.events).toEqual([]);
    expect(repeat.revision).toBe(0n);
    expect(await collect(store.readStream(stream))).toHaveLength(1);
  });

  it('retries on conflicts so that concurrent commands all land, once each', async () => {
    const stream = `counter-${randomUUID()}`;
    await Promise.all(Array.from({ length: 5 }, (_, i) => add(stream, i + 1)));
    const { state, revision } = await counters().load(stream);
    expect(state.total).toBe(15);
    expect(revision).toBe(4n);
  });

  it('loads from a snapshot plus the tail, and ignores snapshots of another schema version', async () => {
    const stream = `counter-${randomUUID()}`;
    const policy: SnapshotPolicy<CounterState> = {
      store: snapshots,
      schemaVersion: 1,
      everyEvents: 10,
      toJson: (state) => ({ total: state.total, keys: state.keys }),
      fromJson: (json) => ({ total: json.total as number, keys: json.keys as string[] }),
    };
    const withSnapshots = counters({ snapshots: policy });
    for (let i = 0; i < 25; i += 1) await add(stream, 1, `k${i}`, withSnapshots);
    const snapshot = await snapshots.load(stream, 1);
    expect(snapshot?.revision).toBe(19n);
    // A doctored snapshot shows that loading really starts from it rather than from revision 0.
    await snapshots.save({
      ...(snapshot as NonNullable<typeof snapshot>),
      revision: 20n,
      state: { total: 1000, keys: [] },
    });
    const fromSnapshot = await counters({ snapshots: policy }).load(stream);
    expect(fromSnapshot.state.total).toBe(1004);
    expect(fromSnapshot.revision).toBe(24n);
    const otherVersion = await counters({ snapshots: { ...policy, schemaVersion: 2 } }).load(
      stream,
    );
    expect(otherVersion.state.total).toBe(25);
  });

  it('waits longer between snapshots of a growing state when the policy says so', async () => {
    const policy: SnapshotPolicy<CounterState> = {
      store: snapshots,
      schemaVersion: 1,
      everyEvents: 5,
      toJson: (state) => ({ total: state.total, keys: state.keys }),
      fromJson: (json) => ({ total: json.total as number, keys: json.keys as string[] }),
    };
    const lastSnapshot = async (options: SnapshotPolicy<CounterState>) => {
      const stream = `counter-${randomUUID()}`;
      const handler = counters({ snapshots: options });
      for (let i = 0; i < 30; i += 1) {
        await add(stream, 1, `k${i}`, handler);
      }
      // Snapshots are written in the background: the last one is there once the stream's
      // snapshot stops moving.
      let revision: bigint | undefined;
      for (let seen = -1n; revision !== seen;) {
        seen = revision ?? -1n;
        await new Promise((resolve) => setTimeout(resolve, 100));
        revision = (await snapshots.load(stream, 1))?.revision;
      }
      return revision;
    };
    // Every 5 events: revisions 4, 9, … 29.
    expect(await lastSnapshot(policy)).toBe(29n);
    // At least half the keys since the last: revisions 4, 9 and 18, then not before 37.
    expect(
      await lastSnapshot({
        ...policy,
        eventsBetweenMin: (state) => Math.floor(state.keys.length / 2),
      }),
    ).toBe(18n);
  });

  it('starts from a cached state but still reads the tail another writer appended', async () => {
    const stream = `counter-${randomUUID()}`;
    const cached = counters({ cacheEntriesMax: 10 });
    const viaCache = (by: number) =>
      cached.handle(stream, { type: 'Add', by, key: randomUUID() }, { commandId: randomUUID() });
    await viaCache(1);
    expect((await cached.load(stream)).revision).toBe(0n);
    await add(stream, 10); // another process: not through this cache
    const result = await viaCache(100);
    expect(result.state.total).toBe(111);
    expect(await cached.load(stream)).toMatchObject({ revision: 2n, state: { total: 111 } });
  });

  it('decides a refusal again on the stream tail when its cached state may be stale', async () => {
    // Two app instances: B cached the stream before A wrote the key B is asked about.
    const stream = `counter-${randomUUID()}`;
    const instanceA = counters({ cacheEntriesMax: 10 });
    const instanceB = counters({ cacheEntriesMax: 10 });
    const metadata = () => ({ commandId: randomUUID() });
    await instanceB.handle(stream, { type: 'Add', by: 1, key: 'first' }, metadata());
    await instanceA.handle(stream, { type: 'Add', by: 2, key: 'second' }, metadata());
    const confirmed = await instanceB.handle(
      stream,
      { type: 'Confirm', key: 'second' },
      metadata(),
    );
    expect(confirmed.events).toEqual([{ type: 'Confirmed', data: { key: 'second' } }]);
    expect(confirmed.revision).toBe(2n);
    await expect(
      instanceB.handle(stream, { type: 'Confirm', key: 'never' }, metadata()),
    ).rejects.toBeInstanceOf(UnknownKeyError);
  });

  it('starts a new stream without reading it, and decides anything else on the stream as it is', async () => {
    const reads: string[] = [];
    const counting = Object.create(store) as PostgresEventStore;
    counting.readStream = (streamName, options) => {
      reads.push(streamName);
      return store.readStream(streamName, options);
    };
    const starting = () =>
      deciderHandler(counting, {
        decider: counter,
        toDomainEvent,
        cacheEntriesMax: 10,
        startsStream: () => true,
      });
    const stream = `counter-${randomUUID()}`;
    const first = { commandId: randomUUID() };
    const fresh = await starting().handle(stream, { type: 'Add', by: 2, key: 'k1' }, first);
    expect(fresh).toMatchObject({ state: { total: 2 }, revision: 0n });
    expect(fresh.events).toHaveLength(1);
    expect(reads).toEqual([]);
    // Another process (no cache): the same command again is a repeat, decided on the stream.
    const repeat = await starting().handle(stream, { type: 'Add', by: 2, key: 'k1' }, first);
    expect(repeat).toMatchObject({ events: [], state: { total: 2 }, revision: 0n });
    // Another command on the existing stream: the stream is read and the command decided on it.
    const next = await starting().handle(
      stream,
      { type: 'Add', by: 3, key: 'k2' },
      { commandId: randomUUID() },
    );
    expect(next).toMatchObject({ state: { total: 5 }, revision: 1n });
    expect(reads).toEqual([stream, stream]);
    expect(await collect(store.readStream(stream))).toHaveLength(2);
    // A command refused on the initial state is decided on the stream, as without the option.
    await expect(
      starting().handle(stream, { type: 'Confirm', key: 'k2' }, { commandId: randomUUID() }),
    ).resolves.toMatchObject({ revision: 2n });
    expect(reads).toHaveLength(3);
    // What lets it tell: the store refuses a repeat when asked to, where it would answer success.
    const other = `counter-${randomUUID()}`;
    const batch = [
      { eventId: randomUUID(), type: 'Added', data: { by: 1, key: 'x' }, metadata: {} },
    ];
    await store.appendToStream(other, batch, { expectedRevision: 'no_stream', refuseRepeat: true });
    await expect(
      store.appendToStream(other, batch, { expectedRevision: 'no_stream' }),
    ).resolves.toMatchObject({ nextExpectedRevision: 0n });
    await expect(
      store.appendToStream(other, batch, { expectedRevision: 'no_stream', refuseRepeat: true }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('derives event ids from the command id, so a re-sent command is a store-level repeat', () => {
    expect(deterministicUuid('c1/0')).toBe(deterministicUuid('c1/0'));
    expect(deterministicUuid('c1/0')).not.toBe(deterministicUuid('c1/1'));
    expect(deterministicUuid('c1/0')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
