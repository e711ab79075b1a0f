/**
 * Proves the store's claims on PostgreSQL: a key claimed by one stream is refused to every other
 * stream inside the append's own transaction (nothing of the refused append is written), even
 * when many streams race for it in one group-committed call; the holder may claim it again; a
 * release frees it; the claim index finds the event that holds a key; malformed claims are
 * refused before anything reaches the database.
 */
import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { ClaimTakenError, InvalidAppendError } from '../errors';
import type { EventToAppend } from '../event-store.port';
import { PostgresClaimIndex } from './postgres-claim-index';
import { PostgresEventStore } from './postgres-event-store';

function claiming(type: string, claims?: string[], releases?: string[]): EventToAppend {
  return {
    eventId: randomUUID(),
    type,
    data: {},
    metadata: {
      actor: { id: 'tester', role: 'admin' },
      ...(claims === undefined ? {} : { claims }),
      ...(releases === undefined ? {} : { releases }),
    },
  };
}

for (const target of postgresTargets()) {
  describe(`claims (${target.label})`, () => {
    let databaseUrl: string;
    let store: PostgresEventStore;
    let index: PostgresClaimIndex;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'claims');
      store = await PostgresEventStore.open({ connectionString: databaseUrl });
      index = new PostgresClaimIndex(store.pool);
    });
    afterAll(async () => {
      await store.close();
      await dropTestDatabase(databaseUrl);
    });

    const key = () => `test:${randomUUID()}`;

    it('refuses a key another stream holds, writing nothing of that append, and names the key only', async () => {
      // The holder's name has letters no UUID holds, so the message check cannot trip on the key.
      const claimed = key();
      await store.appendToStream('holder-stream', [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      const head = await store.headPosition();
      const refusal: unknown = await store
        .appendToStream('other-stream', [claiming('First'), claiming('Claimed', [claimed])], {
          expectedRevision: 'no_stream',
        })
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ClaimTakenError);
      expect(refusal).toMatchObject({ key: claimed, heldBy: 'holder-stream' });
      expect((refusal as Error).message).not.toContain('holder-stream');
      expect(await store.headPosition()).toBe(head);
      expect((await index.holderOf(claimed))?.streamName).toBe('holder-stream');
    });

    it('lets the holder claim its key again, and finds the event that first claimed it', async () => {
      const claimed = key();
      const first = await store.appendToStream('a-2', [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      await store.appendToStream('a-2', [claiming('ClaimedAgain', [claimed])], {
        expectedRevision: 0n,
      });
      const holder = await index.holderOf(claimed);
      expect(holder).toMatchObject({ streamName: 'a-2', revision: 0n, type: 'Claimed' });
      expect(holder?.position).toBe(first.position);
      expect(await index.holderOf(key())).toBeUndefined();
    });

    it('frees a released key for another stream', async () => {
      const claimed = key();
      await store.appendToStream('a-3', [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      await store.appendToStream('a-3', [claiming('Released', undefined, [claimed])], {
        expectedRevision: 0n,
      });
      expect(await index.holderOf(claimed)).toBeUndefined();
      await store.appendToStream('b-3', [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      expect((await index.holderOf(claimed))?.streamName).toBe('b-3');
    });

    it('lets exactly one of 12 streams racing for one key win, the others written nothing', async () => {
      const claimed = key();
      const streams = Array.from({ length: 12 }, (_, i) => `race-${randomUUID()}-${i}`);
      const outcomes = await Promise.allSettled(
        streams.map((stream) =>
          store.appendToStream(stream, [claiming('Claimed', [claimed])], {
            expectedRevision: 'no_stream',
          }),
        ),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter(
        (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost.every((outcome) => outcome.reason instanceof ClaimTakenError)).toBe(true);
      const holder = await index.holderOf(claimed);
      const winner = streams[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
      expect(holder?.streamName).toBe(winner);
      for (const stream of streams.filter((name) => name !== winner)) {
        const events = [];
        for await (const event of store.readStream(stream)) events.push(event);
        expect(events).toEqual([]);
      }
    });

    it.each([
      [{ claims: 'not-a-list' }, 'events[0].metadata.claims'],
      [{ claims: [] }, 'events[0].metadata.claims'],
      [{ claims: [42] }, 'events[0].metadata.claims[0]'],
      [{ releases: ['x\u0000'] }, 'events[0].metadata.releases[0]'],
    ])('refuses metadata %j before writing', async (metadata, field) => {
      await expect(
        store.appendToStream(
          `bad-${randomUUID()}`,
          [{ eventId: randomUUID(), type: 'Claimed', data: {}, metadata }],
          { expectedRevision: 'no_stream' },
        ),
      ).rejects.toMatchObject({ constructor: InvalidAppendError, field });
    });
  });
}
