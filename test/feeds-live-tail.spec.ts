// Proves the feeds' shared live tail against a real PostgreSQL log: it covers exactly the events after the head it started from, answers "not covered" (read the store) for an earlier position, keeps every event after the position it covers from as it lets old ones go (by count and by size), so a reader it sends back to the store loses nothing, and wakes a waiting reader when an event arrives.
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@sunlight/event-store';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { LiveTail } from '../libs/integrators/src/application/live-tail';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv } from './support/test-app';

const event = (n: number, padding = '') => ({
  eventId: randomUUID(),
  type: 'DisbursementNoted',
  data: { n, padding },
  metadata: {},
});

describe('LiveTail', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  const tails: LiveTail[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'tail');
    store = await PostgresEventStore.open({ connectionString: databaseUrl, role: false });
  });

  afterAll(async () => {
    for (const tail of tails) tail.close();
    await store?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const append = async (from: number, count: number, padding = '') =>
    store.appendToStream(
      'pool-tail.530325',
      Array.from({ length: count }, (_, index) => event(from + index, padding)),
      { expectedRevision: 'any' },
    );
  const numbers = (events: readonly RecordedEvent[] | undefined) =>
    events?.map((recorded) => recorded.data.n as number);

  it('covers what follows its start, lets old events go by count and by size, and loses nothing after what it covers', async () => {
    await append(1, 5);
    const head = (await store.headPosition()) as string;
    const tail = new LiveTail(store, { eventsMax: 10, charactersMax: 1_000_000 });
    tails.push(tail);

    expect(await tail.after(undefined)).toBeUndefined();
    expect(await tail.after(head)).toEqual([]);

    const waiting = tail.waitBeyond(head, new AbortController().signal);
    await append(6, 1);
    await waiting;
    await eventually(async () => expect(numbers(await tail.after(head))).toEqual([6]));

    for (let n = 7; n <= 40; n += 1) await append(n, 1);
    await eventually(async () => {
      const whole = await collectAll();
      expect(numbers(await tail.after(whole.at(-4)!.position))).toEqual([38, 39, 40]);
    });
    // It let go of the oldest: its start is no longer covered, and from the earliest position it
    // covers, it holds every later event of the log, none missing.
    expect(await tail.after(head)).toBeUndefined();
    const all = await collectAll();
    let covered: number[] | undefined;
    for (const [index, recorded] of all.entries()) {
      const after = await tail.after(recorded.position);
      if (after === undefined) continue;
      covered = numbers(after);
      expect(covered).toEqual(all.slice(index + 1).map((later) => later.data.n as number));
      break;
    }
    expect(covered?.at(-1)).toBe(40);
    expect(covered!.length).toBeGreaterThanOrEqual(10);
    expect(covered!.length).toBeLessThanOrEqual(11);

    const bySize = new LiveTail(store, { eventsMax: 1_000, charactersMax: 50_000 });
    tails.push(bySize);
    const sizeHead = (await store.headPosition()) as string;
    expect(await bySize.after(sizeHead)).toEqual([]);
    for (let n = 41; n <= 50; n += 1) await append(n, 1, 'x'.repeat(10_000));
    await eventually(async () => {
      const whole = await collectAll();
      expect(numbers(await bySize.after(whole.at(-2)!.position))).toEqual([50]);
    });
    expect(await bySize.after(sizeHead)).toBeUndefined();
  }, 60_000);

  async function collectAll(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const recorded of store.readAll()) events.push(recorded);
    return events;
  }
});
