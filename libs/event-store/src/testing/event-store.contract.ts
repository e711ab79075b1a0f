/**
 * The shared contract every EventStore adapter must pass: expected revisions, atomic and
 * idempotent appends, reads, ordered gap-free subscriptions, and immutability. Adapters call
 * `describeEventStoreContract` from their own spec file with a harness that makes stores.
 */
import { randomUUID } from 'node:crypto';
import { InvalidAppendError, WrongExpectedVersionError } from '../errors';
import type {
  EventStore,
  EventToAppend,
  GlobalPosition,
  RecordedEvent,
  SubscriptionMessage,
} from '../event-store.port';

export interface EventStoreContractHarness {
  /** A store on an empty log. Called once per suite; closed by the suite. */
  createStore(): Promise<EventStore>;
  /**
   * Appends while holding the store's write path for `holdMs` before committing, the slowest
   * transaction the adapter can have in flight. Adapters without such a notion omit it.
   */
  appendSlowly?(stream: string, events: EventToAppend[], holdMs: number): Promise<void>;
  /** Tries to rewrite history; must reject. `as` says with which rights. */
  attemptRewrite?(
    kind: 'update' | 'delete' | 'truncate',
    as: 'application' | 'owner',
  ): Promise<void>;
  /** Connections the store holds open right now (checked out or listening). */
  connectionsInUse?(): Promise<number>;
}

export function newEvent(
  type = 'SomethingHappened',
  data: Record<string, unknown> = {},
): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { actor: { id: 'tester', role: 'admin' } },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

let streamCounter = 0;
function uniquePrefix(): string {
  streamCounter += 1;
  return `c${randomUUID().slice(0, 8)}${streamCounter}`;
}

export function describeEventStoreContract(
  label: string,
  harness: EventStoreContractHarness,
): void {
  describe(`EventStore contract: ${label}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await harness.createStore();
    });
    afterAll(async () => {
      await store.close();
    });

    const stream = () => `${uniquePrefix()}-s`;
    const events = (n: number, type = 'ThingDone') =>
      Array.from({ length: n }, (_, i) => newEvent(type, { index: i }));

    describe('expected revision', () => {
      it('no_stream on a new stream writes revisions 0..n-1', async () => {
        const name = stream();
        const result = await store.appendToStream(name, events(3), {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).toBe(2n);
        const read = await collect(store.readStream(name));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('no_stream on an existing stream fails with the actual revision', async () => {
        const name = stream();
        await store.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
        await expect(
          store.appendToStream(name, events(1), { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedVersionError',
          streamName: name,
          expected: 'no_stream',
          actual: 1n,
        });
      });

      it('stream_exists fails on a missing stream and succeeds on an existing one', async () => {
        const name = stream();
        const failure = store.appendToStream(name, events(1), {
          expectedRevision: 'stream_exists',
        });
        await expect(failure).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(failure).rejects.toMatchObject({ actual: 'no_stream' });
        await store.appendToStream(name, events(1), { expectedRevision: 'no_stream' });
        const ok = await store.appendToStream(name, events(1), {
          expectedRevision: 'stream_exists',
        });
        expect(ok.nextExpectedRevision).toBe(1n);
      });

      it('an exact revision succeeds on a match and fails when stale or ahead', async () => {
        const name = stream();
        await store.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
        const ok = await store.appendToStream(name, events(1), { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
        await expect(
          store.appendToStream(name, events(1), { expectedRevision: 1n }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedVersionError',
          expected: 1n,
          actual: 2n,
        });
        await expect(
          store.appendToStream(name, events(1), { expectedRevision: 7n }),
        ).rejects.toMatchObject({
          expected: 7n,
          actual: 2n,
        });
        await expect(
          store.appendToStream(stream(), events(1), { expectedRevision: 0n }),
        ).rejects.toMatchObject({
          actual: 'no_stream',
        });
      });

      it('any appends to new and existing streams', async () => {
        const name = stream();
        expect(
          (await store.appendToStream(name, events(1), { expectedRevision: 'any' }))
            .nextExpectedRevision,
        ).toBe(0n);
        expect(
          (await store.appendToStream(name, events(2), { expectedRevision: 'any' }))
            .nextExpectedRevision,
        ).toBe(2n);
      });
    });

    describe('atomic batches', () => {
      it('writes a batch contiguously with strictly increasing positions', async () => {
        const name = stream();
        await store.appendToStream(name, events(5), { expectedRevision: 'no_stream' });
        const read = await collect(store.readStream(name));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        for (let i = 1; i < read.length; i += 1)
          expect(read[i].position > read[i - 1].position).toBe(true);
      });

      it('writes nothing of a batch that fails its expectation', async () => {
        const name = stream();
        await store.appendToStream(name, events(1), { expectedRevision: 'no_stream' });
        await expect(
          store.appendToStream(name, events(3), { expectedRevision: 5n }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await collect(store.readStream(name))).toHaveLength(1);
      });

      it('K parallel appenders with the same expectation: exactly one wins, no gaps', async () => {
        const name = stream();
        await store.appendToStream(name, events(1), { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, () =>
            store.appendToStream(name, events(2), { expectedRevision: 0n }),
          ),
        );
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        const losers = outcomes.filter((o) => o.status === 'rejected');
        expect(winners).toHaveLength(1);
        for (const loser of losers) {
          expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        const read = await collect(store.readStream(name));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });
    });

    describe('idempotency', () => {
      it('retrying an identical append succeeds and writes nothing twice', async () => {
        const name = stream();
        const batch = events(3);
        const first = await store.appendToStream(name, batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(name, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const next = events(2);
        const second = await store.appendToStream(name, next, { expectedRevision: 2n });
        expect(await store.appendToStream(name, next, { expectedRevision: 2n })).toEqual(second);
        expect(await store.appendToStream(name, next, { expectedRevision: 'any' })).toEqual(second);
        expect(await collect(store.readStream(name))).toHaveLength(5);
      });

      it('two identical appends sent at once write once and both succeed with the same result', async () => {
        const name = stream();
        const batch = events(2);
        const [first, second] = await Promise.all([
          store.appendToStream(name, batch, { expectedRevision: 'no_stream' }),
          store.appendToStream(name, batch, { expectedRevision: 'no_stream' }),
        ]);
        expect(second).toEqual(first);
        expect(await collect(store.readStream(name))).toHaveLength(2);
      });

      it('a batch that overlaps an earlier one only partly fails and writes nothing', async () => {
        const name = stream();
        const batch = events(2);
        await store.appendToStream(name, batch, { expectedRevision: 'no_stream' });
        const overlapping = [batch[1], newEvent()];
        await expect(
          store.appendToStream(name, overlapping, { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(
          store.appendToStream(name, batch, { expectedRevision: 1n }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await collect(store.readStream(name))).toHaveLength(2);
      });

      it('allows the same event id in two different streams', async () => {
        const event = newEvent();
        await store.appendToStream(stream(), [event], { expectedRevision: 'no_stream' });
        await expect(
          store.appendToStream(stream(), [event], { expectedRevision: 'no_stream' }),
        ).resolves.toMatchObject({
          nextExpectedRevision: 0n,
        });
      });
    });

    describe('validation', () => {
      it.each([
        ['an empty batch', 's', [], 'events'],
        ['a $-prefixed stream', '$all', [newEvent()], 'streamName'],
        ['a $-prefixed type', 's', [newEvent('$deleted')], 'events[0].type'],
        [
          'a duplicate id in one batch',
          's',
          (() => {
            const e = newEvent();
            return [e, { ...e }];
          })(),
          'events[1].eventId',
        ],
        [
          'an id that is not a UUID',
          's',
          [{ ...newEvent(), eventId: 'nope' }],
          'events[0].eventId',
        ],
        [
          'a float-free amount as bigint',
          's',
          [newEvent('X', { amount: 1n as unknown as number })],
          'events[0].data.amount',
        ],
        [
          'a NUL deep inside the data',
          's',
          [newEvent('X', { items: [{ note: 'ok' }, { note: 'a\u0000b' }] })],
          'events[0].data.items[1].note',
        ],
        [
          'a number JSON cannot hold',
          's',
          [newEvent('X', { ratio: Number.NaN })],
          'events[0].data.ratio',
        ],
        [
          'a Date instead of its text',
          's',
          [newEvent('X', { at: new Date() as unknown as string })],
          'events[0].data.at',
        ],
        [
          'a key with a lone surrogate',
          's',
          [newEvent('X', { nested: { ['k\ud800']: 1 } })],
          'events[0].data.nested',
        ],
      ])('refuses %s, naming the field', async (_label, name, batch, field) => {
        const streamName = `${uniquePrefix()}${name}`.replace(/^.*\$all$/, '$all');
        await expect(
          store.appendToStream(streamName, batch as EventToAppend[], { expectedRevision: 'any' }),
        ).rejects.toMatchObject({ name: 'InvalidAppendError', field });
      });

      it('refuses an oversized event', async () => {
        const big = newEvent('Big', { blob: 'x'.repeat(1_100_000) });
        await expect(
          store.appendToStream(stream(), [big], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(InvalidAppendError);
      });
    });

    describe('readStream', () => {
      it('reads a missing stream as empty', async () => {
        expect(await collect(store.readStream(stream()))).toEqual([]);
        expect(await collect(store.readStream(stream(), { direction: 'backwards' }))).toEqual([]);
      });

      it('reads forwards, backwards, from a revision and up to a count', async () => {
        const name = stream();
        await store.appendToStream(name, events(10), { expectedRevision: 'no_stream' });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(name, options))).map((e) => Number(e.revision));
        expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(await revisions({ fromRevision: 6n })).toEqual([6, 7, 8, 9]);
        expect(await revisions({ fromRevision: 6n, direction: 'backwards', maxCount: 3 })).toEqual([
          6, 5, 4,
        ]);
        expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
        expect(await revisions({ fromRevision: 20n })).toEqual([]);
      });

      it('pages through a stream longer than one page', async () => {
        const name = stream();
        for (let i = 0; i < 3; i += 1)
          await store.appendToStream(name, events(400), { expectedRevision: 'any' });
        const read = await collect(store.readStream(name));
        expect(read).toHaveLength(1200);
        expect(read.every((e, i) => e.revision === BigInt(i))).toBe(true);
      });

      it('round-trips Unicode, digit-string amounts and nested metadata exactly', async () => {
        const name = `${uniquePrefix()}-富源县-营上镇`;
        const event: EventToAppend = {
          eventId: randomUUID(),
          type: 'DisbursementRequested',
          data: {
            beneficiary: { name: '张三 👨‍🌾', note: 'quote " backslash \\ tab \t newline \n' },
            amountFen: '18000000',
            ratio: 0.1,
            big: 12345678901234,
            empty: {},
            list: [1, 'two', null, true, { deep: ['x'] }],
          },
          metadata: {
            actor: { id: 'u1', role: 'finance', division: '530325' },
            correlationId: randomUUID(),
            reason: '虚假花名册 追回',
            nested: { a: { b: { c: [1, 2, 3] } } },
          },
        };
        await store.appendToStream(name, [event], { expectedRevision: 'no_stream' });
        const [read] = await collect(store.readStream(name));
        expect(read.eventId).toBe(event.eventId);
        expect(read.type).toBe(event.type);
        expect(read.streamName).toBe(name);
        expect(read.data).toEqual(event.data);
        expect(read.metadata).toEqual(event.metadata);
        expect(read.recordedAt).toBeInstanceOf(Date);
      });
    });

    describe('readAll', () => {
      it('returns events in strictly increasing positions, each stream in revision order, after exclusive', async () => {
        const prefix = uniquePrefix();
        const first = await store.appendToStream(`${prefix}-a`, events(3), {
          expectedRevision: 'no_stream',
        });
        await store.appendToStream(`${prefix}-b`, events(2), { expectedRevision: 'no_stream' });
        await store.appendToStream(`${prefix}-a`, events(2), { expectedRevision: 2n });
        const filter = { on: 'streamName' as const, prefixes: [prefix] };
        const all = await collect(store.readAll({ filter }));
        expect(all.map((e) => `${e.streamName.slice(-1)}${e.revision}`)).toEqual([
          'a0',
          'a1',
          'a2',
          'b0',
          'b1',
          'a3',
          'a4',
        ]);
        for (let i = 1; i < all.length; i += 1)
          expect(all[i].position > all[i - 1].position).toBe(true);
        const after = await collect(store.readAll({ after: first.position, filter }));
        expect(after.map((e) => e.position)).toEqual(all.slice(3).map((e) => e.position));
        expect(
          await collect(store.readAll({ after: first.position, filter, maxCount: 2 })),
        ).toHaveLength(2);
      });

      it('filters by stream-name prefix and by event-type prefix', async () => {
        const prefix = uniquePrefix();
        await store.appendToStream(`${prefix}-pool-1`, [newEvent('AllocationSent')], {
          expectedRevision: 'any',
        });
        await store.appendToStream(`${prefix}-fund-1`, [newEvent('FundLineCreated')], {
          expectedRevision: 'any',
        });
        await store.appendToStream(`${prefix}-pool-2`, [newEvent('AllocationReceived')], {
          expectedRevision: 'any',
        });
        const byStream = await collect(
          store.readAll({ filter: { on: 'streamName', prefixes: [`${prefix}-pool-`] } }),
        );
        expect(byStream.map((e) => e.streamName)).toEqual([`${prefix}-pool-1`, `${prefix}-pool-2`]);
        const typePrefix = `T${prefix}`;
        await store.appendToStream(
          `${prefix}-x`,
          [newEvent(`${typePrefix}Alpha`), newEvent(`${typePrefix}Beta`), newEvent('Other')],
          {
            expectedRevision: 'any',
          },
        );
        const byType = await collect(
          store.readAll({
            filter: { on: 'eventType', prefixes: [`${typePrefix}B`, `${typePrefix}A`] },
          }),
        );
        expect(byType.map((e) => e.type)).toEqual([`${typePrefix}Alpha`, `${typePrefix}Beta`]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, says caughtUp once, then delivers live events once and in order', async () => {
        const prefix = uniquePrefix();
        await store.appendToStream(`${prefix}-a`, events(5), { expectedRevision: 'no_stream' });
        const controller = new AbortController();
        const received: SubscriptionMessage[] = [];
        const done = (async () => {
          for await (const message of store.subscribeToAll({
            signal: controller.signal,
            filter: { on: 'streamName', prefixes: [prefix] },
          })) {
            if (message.kind === 'checkpoint') continue;
            received.push(message);
            if (message.kind === 'caughtUp') {
              await store.appendToStream(`${prefix}-b`, events(3), {
                expectedRevision: 'no_stream',
              });
              await store.appendToStream(`${prefix}-a`, events(2), { expectedRevision: 4n });
            }
            if (received.filter((m) => m.kind === 'event').length === 10) controller.abort();
          }
        })();
        await done;
        const kinds = received.map((m) => m.kind);
        expect(kinds.filter((k) => k === 'caughtUp')).toHaveLength(1);
        expect(kinds.indexOf('caughtUp')).toBe(5);
        const delivered = received.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
        expect(delivered.map((e) => `${e.streamName.slice(-1)}${e.revision}`)).toEqual([
          'a0',
          'a1',
          'a2',
          'a3',
          'a4',
          'b0',
          'b1',
          'b2',
          'a5',
          'a6',
        ]);
        expectStrictlyIncreasing(delivered);
      });

      it('resumes from a delivered position without repeating or losing events', async () => {
        const prefix = uniquePrefix();
        await store.appendToStream(`${prefix}-a`, events(6), { expectedRevision: 'no_stream' });
        const filter = { on: 'streamName' as const, prefixes: [prefix] };
        const firstThree = await take(store, { filter }, 3);
        const resumeFrom = firstThree[2].position;
        const rest = await take(store, { filter, after: resumeFrom }, 3);
        expect([...firstThree, ...rest].map((e) => Number(e.revision))).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('keeps sending checkpoints while a filter skips everything, and resuming from one loses nothing', async () => {
        const prefix = uniquePrefix();
        const head = await store.appendToStream(`${prefix}-noise`, events(1), {
          expectedRevision: 'no_stream',
        });
        for (let i = 0; i < 5; i += 1)
          await store.appendToStream(`${prefix}-noise`, events(100), { expectedRevision: 'any' });
        const controller = new AbortController();
        const checkpoints: GlobalPosition[] = [];
        for await (const message of store.subscribeToAll({
          signal: controller.signal,
          after: head.position,
          checkpointInterval: 50,
          filter: { on: 'streamName', prefixes: [`${prefix}-wanted`] },
        })) {
          if (message.kind === 'event') throw new Error('the filter matches nothing yet');
          if (message.kind === 'checkpoint') checkpoints.push(message.position);
          if (message.kind === 'caughtUp') controller.abort();
        }
        expect(checkpoints.length).toBeGreaterThanOrEqual(5);
        expect([...checkpoints].sort()).toEqual(checkpoints);
        const resumeFrom = checkpoints[checkpoints.length - 1];
        await store.appendToStream(`${prefix}-wanted`, events(2), {
          expectedRevision: 'no_stream',
        });
        const wanted = await take(
          store,
          { after: resumeFrom, filter: { on: 'streamName', prefixes: [`${prefix}-wanted`] } },
          2,
        );
        expect(wanted.map((e) => e.streamName)).toEqual([`${prefix}-wanted`, `${prefix}-wanted`]);
      });

      it('ends when its signal aborts and releases its connection', async () => {
        const before = harness.connectionsInUse ? await harness.connectionsInUse() : 0;
        const controller = new AbortController();
        const iteration = (async () => {
          let messages = 0;
          for await (const message of store.subscribeToAll({
            signal: controller.signal,
            filter: { on: 'streamName', prefixes: [uniquePrefix()] },
          })) {
            messages += 1;
            if (message.kind === 'caughtUp') setTimeout(() => controller.abort(), 50);
          }
          return messages;
        })();
        await expect(iteration).resolves.toBeGreaterThanOrEqual(1);
        if (harness.connectionsInUse) expect(await harness.connectionsInUse()).toBe(before);
      });

      it('the gap test: 8 writers, 5,000+ appends and a slow transaction; the live subscriber gets each event once, in order', async () => {
        const prefix = uniquePrefix();
        const writers = 8;
        const appendsPerWriter = 640;
        const controller = new AbortController();
        const delivered: RecordedEvent[] = [];
        let expectedTotal = Number.POSITIVE_INFINITY;
        let caughtUpSeen = false;
        let resolveCaughtUp!: () => void;
        const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
        const subscriber = (async () => {
          for await (const message of store.subscribeToAll({
            signal: controller.signal,
            filter: { on: 'streamName', prefixes: [prefix] },
          })) {
            if (message.kind === 'caughtUp') {
              caughtUpSeen = true;
              resolveCaughtUp();
            }
            if (message.kind !== 'event') continue;
            const last = delivered[delivered.length - 1];
            if (last && message.event.position <= last.position) {
              throw new Error(
                `position went back from ${last.position} to ${message.event.position}`,
              );
            }
            delivered.push(message.event);
            if (delivered.length >= expectedTotal) controller.abort();
          }
        })();
        await caughtUp;
        const writes = Array.from({ length: writers }, async (_, writer) => {
          for (let i = 0; i < appendsPerWriter; i += 1) {
            await store.appendToStream(
              `${prefix}-w${writer}-${i % 25}`,
              [newEvent('Written', { writer, i })],
              {
                expectedRevision: 'any',
              },
            );
          }
        });
        let slowEvents = 0;
        if (harness.appendSlowly) {
          slowEvents = 3;
          writes.push(
            (async () => {
              await new Promise((resolve) => setTimeout(resolve, 100));
              await harness.appendSlowly!(`${prefix}-slow`, events(3, 'Slow'), 750);
            })(),
          );
        }
        await Promise.all(writes);
        expectedTotal = writers * appendsPerWriter + slowEvents;
        const timeout = setTimeout(() => controller.abort(), 60_000);
        if (delivered.length >= expectedTotal) controller.abort();
        await subscriber;
        clearTimeout(timeout);
        expect(caughtUpSeen).toBe(true);
        expect(writers * appendsPerWriter).toBeGreaterThanOrEqual(5_000);
        expect(delivered).toHaveLength(expectedTotal);
        expect(new Set(delivered.map((e) => `${e.streamName}/${e.eventId}`)).size).toBe(
          expectedTotal,
        );
        const stored = await collect(
          store.readAll({ filter: { on: 'streamName', prefixes: [prefix] } }),
        );
        expect(delivered.map((e) => e.position)).toEqual(stored.map((e) => e.position));
      });
    });

    if (harness.attemptRewrite) {
      const attemptRewrite = harness.attemptRewrite;
      describe('immutability', () => {
        beforeAll(async () => {
          await store.appendToStream(stream(), events(1), { expectedRevision: 'any' });
        });
        it.each([
          ['update', 'application'],
          ['delete', 'application'],
          ['truncate', 'application'],
          ['update', 'owner'],
          ['delete', 'owner'],
          ['truncate', 'owner'],
        ] as const)('refuses %s by the %s', async (kind, as) => {
          await expect(attemptRewrite(kind, as)).rejects.toThrow(/permission denied|immutable/);
        });
      });
    }
  });
}

function expectStrictlyIncreasing(events: RecordedEvent[]): void {
  for (let i = 1; i < events.length; i += 1) {
    expect(events[i].position > events[i - 1].position).toBe(true);
  }
}

async function take(
  store: EventStore,
  options: {
    after?: GlobalPosition;
    filter?: { on: 'streamName' | 'eventType'; prefixes: string[] };
  },
  count: number,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const taken: RecordedEvent[] = [];
  const timeout = setTimeout(() => controller.abort(), 30_000);
  for await (const message of store.subscribeToAll({ ...options, signal: controller.signal })) {
    if (message.kind !== 'event') continue;
    taken.push(message.event);
    if (taken.length === count) controller.abort();
  }
  clearTimeout(timeout);
  return taken;
}
