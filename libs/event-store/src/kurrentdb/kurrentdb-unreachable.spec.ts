// Proves, with the real client and no server (a port nothing listens on), that every way the adapter talks to KurrentDB turns "cannot reach it" into EventStoreUnavailableError (503 with Retry-After at the HTTP edge), never a raw gRPC error; and that bad input (claims without a known revision, reserved names) is refused before anything is sent. Appends (grpc-js) and reads (the Rust bridge) fail through different paths, so each is tried.
import { createServer } from 'node:net';
import { EventStoreUnavailableError, InvalidAppendError } from '../errors';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { KurrentDbProcessorCheckpoints } from './kurrentdb-processor-checkpoints';
import { KurrentDbSnapshotStore } from './kurrentdb-snapshot-store';
import { isUnavailable, isUnimplemented } from './mapping';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const event = {
  eventId: '0b8e7c1a-1111-4222-8333-444455556666',
  type: 'FundLineCreated',
  data: { amountFen: '100' },
  metadata: { actor: { id: 'u1' } },
};

describe('KurrentDbEventStore without a reachable server', () => {
  let store: KurrentDbEventStore;
  beforeAll(async () => {
    store = KurrentDbEventStore.connect(`kurrentdb://127.0.0.1:${await closedPort()}?tls=false`);
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers an append with EventStoreUnavailableError', async () => {
    await expect(
      store.appendToStream('fund-F1', [event], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('answers a stream read, a log read and the probes with EventStoreUnavailableError', async () => {
    const drain = async (events: AsyncIterable<unknown>) => {
      for await (const item of events) void item;
    };
    await expect(drain(store.readStream('fund-F1'))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(drain(store.readAll({ maxCount: 1 }))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('answers snapshot and checkpoint loads and saves with EventStoreUnavailableError', async () => {
    const snapshots = new KurrentDbSnapshotStore(store, { sealKey: 'k'.repeat(48) });
    const checkpoints = new KurrentDbProcessorCheckpoints(store);
    await expect(snapshots.load('pool-1', 1)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(
      snapshots.save({ streamName: 'pool-1', revision: 0n, schemaVersion: 1, state: {} }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(checkpoints.load('funds')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(checkpoints.save('funds', '1')).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it.each([
    [
      'a $-prefixed metadata key',
      { ...event, metadata: { $correlationId: 'x' } },
      'events[0].metadata.$correlationId',
    ],
    [
      "claims under 'any', whose events' revisions it cannot know before writing",
      { ...event, metadata: { claims: ['transfer:T1'] } },
      'expectedRevision',
    ],
    [
      'the metadata key that multi-stream appends pack into',
      { ...event, metadata: { 'sunlight-metadata': '{}' } },
      'events[0].metadata.sunlight-metadata',
    ],
    ['an id that is not a UUID', { ...event, eventId: 'nope' }, 'events[0].eventId'],
  ])('refuses %s before sending anything, naming the field', async (_label, bad, field) => {
    await expect(
      store.appendToStream('fund-F1', [bad], { expectedRevision: 'any' }),
    ).rejects.toMatchObject({ name: InvalidAppendError.name, field });
  });

  it("refuses an append to the store's own streams, naming the field", async () => {
    await expect(
      store.appendToStream('sunlight-store-claim-0', [event], { expectedRevision: 'any' }),
    ).rejects.toMatchObject({ name: InvalidAppendError.name, field: 'streamName' });
  });

  it('answers a claims append (which reads the claim streams first) with EventStoreUnavailableError', async () => {
    await expect(
      store.appendToStream('fund-F1', [{ ...event, metadata: { claims: ['transfer:T1'] } }], {
        expectedRevision: 'no_stream',
      }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });
});

describe('isUnavailable', () => {
  it('knows bare gRPC statuses and the client error names, and nothing else', () => {
    expect(isUnavailable(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 }))).toBe(true);
    class NotLeaderError extends Error {}
    expect(isUnavailable(new NotLeaderError('follower'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('5 NOT_FOUND'), { code: 5 }))).toBe(false);
    expect(isUnavailable(new Error('WrongExpectedVersion'))).toBe(false);
    expect(isUnavailable('14')).toBe(false);
  });
});

describe('isUnimplemented', () => {
  it('knows the status a server before 25.1 answers a multi-stream append with, and nothing else', () => {
    expect(isUnimplemented(Object.assign(new Error('12 UNIMPLEMENTED'), { code: 12 }))).toBe(true);
    expect(isUnimplemented(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }))).toBe(false);
    expect(isUnimplemented(new Error('no code'))).toBe(false);
    expect(isUnimplemented({ code: 12 })).toBe(false);
  });
});
