// Proves the chain keeper that KurrentDB's log needs (it keeps no hash chain itself), on the PostgreSQL adapter through the same port, since no KurrentDB server runs here: it chains every event once, in log order, from 1 without gaps, and resumes where it stopped; a second keeper cannot write beside it; the kept chain verifies, and an event altered as a reader sees it is found at its place; the feeds' lookup answers each asked position with the hash the chain recorded.
import { createHash } from 'node:crypto';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { WrongExpectedVersionError } from '../errors';
import type { EventStore, RecordedEvent } from '../event-store.port';
import { newEvent } from '../testing/event-store.contract';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import {
  chainedFields,
  keepChain,
  KeptChainHashes,
  nextLink,
  readChainLinks,
  verifyKeptChain,
  type ChainLink,
} from './chain-keeper';
import { genesisHash, canonicalEventText } from '@sunlight/integrity';

const [target] = postgresTargets();

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Runs a keeper until it has recorded `count` links in all, then stops it. */
async function keepUntil(store: EventStore, count: number, chainStream?: string): Promise<void> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), 30_000);
  await keepChain(store, {
    signal: controller.signal,
    ...(chainStream === undefined ? {} : { chainStream }),
    onRecorded: (last) => {
      if (BigInt(last.seq) >= BigInt(count)) controller.abort();
    },
  });
  clearTimeout(timeout);
}

describe('nextLink', () => {
  const event: RecordedEvent = {
    eventId: '0b8e7c1a-1111-4222-8333-444455556666',
    type: 'FundLineCreated',
    data: { amountFen: '100' },
    metadata: { actor: { id: 'u1' } },
    streamName: 'fund-F1',
    revision: 0n,
    position: '00000000000000000100/00000000000000000100',
    recordedAt: new Date('2026-12-03T10:00:00.000Z'),
  };

  it('hashes the first event after 32 zero bytes at sequence 1, and each next one after its predecessor', () => {
    const first = nextLink(undefined, event);
    const expectFirst = createHash('sha256')
      .update(genesisHash)
      .update(canonicalEventText(chainedFields(event, 1n)))
      .digest('hex');
    expect(first).toEqual({
      seq: '1',
      position: event.position,
      stream: 'fund-F1',
      revision: '0',
      eventId: event.eventId,
      hash: expectFirst,
    });
    const second = nextLink(first, { ...event, revision: 1n });
    expect(second.seq).toBe('2');
    expect(second.hash).toBe(
      createHash('sha256')
        .update(Buffer.from(expectFirst, 'hex'))
        .update(canonicalEventText(chainedFields({ ...event, revision: 1n }, 2n)))
        .digest('hex'),
    );
  });
});

describe('the chain keeper, on the PostgreSQL adapter', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(target!.adminUrl, 'chain_keeper');
    store = await PostgresEventStore.open({ connectionString: databaseUrl, pollIntervalMs: 100 });
  });
  afterAll(async () => {
    await store?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('chains every event once in log order, resumes where it stopped, and the chain verifies', async () => {
    for (let i = 0; i < 12; i += 1) {
      await store.appendToStream(`pool-${i % 3}`, [newEvent('Allocated', { i })], {
        expectedRevision: 'any',
      });
    }
    await keepUntil(store, 12);
    await store.appendToStream('pool-9', [newEvent('Allocated'), newEvent('Allocated')], {
      expectedRevision: 'no_stream',
    });
    await keepUntil(store, 14);

    const log = (await collect(store.readAll())).filter((e) => e.streamName !== 'sunlight-chain');
    const links = await collect(readChainLinks(store));
    expect(links.map((link) => link.seq)).toEqual(log.map((_, i) => String(i + 1)));
    expect(links.map((link) => link.position)).toEqual(log.map((event) => event.position));
    let previous: ChainLink | undefined;
    for (const [i, event] of log.entries()) {
      previous = nextLink(previous, event);
      expect(links[i]).toEqual(previous);
    }
    const verified = await verifyKeptChain(store);
    expect(verified.eventsNotYetChained).toBe(0);
    expect(verified.chain).toMatchObject({ ok: true, eventsChecked: 14 });
  });

  it('answers the feeds with the recorded hash of each asked position, and nothing for others', async () => {
    const links = await collect(readChainLinks(store));
    const asked = [links[13]!.position, links[2]!.position, '99999999999999999999'];
    const hashes = await new KeptChainHashes(store).chainHashesOf(asked);
    expect(new Map(hashes)).toEqual(
      new Map([
        [links[13]!.position, links[13]!.hash],
        [links[2]!.position, links[2]!.hash],
      ]),
    );
  });

  it('counts events written since the last record as not yet chained, without failing the chain', async () => {
    await store.appendToStream('pool-10', [newEvent('Allocated')], { expectedRevision: 'any' });
    const verified = await verifyKeptChain(store);
    expect(verified).toMatchObject({ eventsNotYetChained: 1, chain: { ok: true } });
    await keepUntil(store, 15);
    expect((await verifyKeptChain(store)).eventsNotYetChained).toBe(0);
  });

  it('finds an event that reads differently from what was chained, at its place', async () => {
    const tampered: EventStore = {
      appendToStream: (...args) => store.appendToStream(...args),
      readStream: (...args) => store.readStream(...args),
      subscribeToAll: (...args) => store.subscribeToAll(...args),
      close: async () => undefined,
      readAll: async function* (options) {
        let seen = 0;
        for await (const event of store.readAll(options)) {
          if (event.streamName !== 'sunlight-chain') seen += 1;
          yield seen === 5 && event.streamName !== 'sunlight-chain'
            ? { ...event, data: { ...event.data, i: 999 } }
            : event;
        }
      },
    };
    const verified = await verifyKeptChain(tampered);
    expect(verified.chain).toMatchObject({
      ok: false,
      firstBreak: { kind: 'hash_mismatch', position: '5' },
    });
  });

  it('refuses a keeper whose view of the chain is stale: its write fails on the revision and adds nothing', async () => {
    const chainStream = 'sunlight-chain-stale';
    // Another keeper's record, already there.
    await store.appendToStream(chainStream, [newEvent('ChainLinksRecorded', { links: [] })], {
      expectedRevision: 'no_stream',
    });
    const before = await collect(store.readStream(chainStream));
    const blind: EventStore = {
      appendToStream: (...args) => store.appendToStream(...args),
      readAll: (...args) => store.readAll(...args),
      subscribeToAll: (...args) => store.subscribeToAll(...args),
      close: async () => undefined,
      // Sees no chain yet, as a keeper that read the chain before the other one wrote would.
      readStream: (name, options) =>
        name === chainStream ? (async function* () {})() : store.readStream(name, options),
    };
    await expect(keepUntil(blind, 1, chainStream)).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await collect(store.readStream(chainStream))).toEqual(before);
  });

  it('two keepers started together write one gapless chain (the same record twice is one write)', async () => {
    const chainStream = 'sunlight-chain-two-keepers';
    await store.appendToStream('pool-11', [newEvent('Allocated')], { expectedRevision: 'any' });
    const first = keepUntil(store, 1, chainStream);
    const second = keepUntil(store, 1, chainStream);
    const outcomes = await Promise.allSettled([first, second]);
    // Each either wrote the same record (idempotent) or lost the race on the revision.
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
    }
    const records = await collect(store.readStream(chainStream));
    const seqs = records.flatMap((record) =>
      (record.data['links'] as ChainLink[]).map((link) => link.seq),
    );
    expect(seqs).toEqual(seqs.map((_, i) => String(i + 1)));
  });
});
