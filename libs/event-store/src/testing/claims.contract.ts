/**
 * The shared contract of claims (`metadata.claims` / `metadata.releases`): a key claimed by one
 * stream is refused to every other stream atomically with the append (nothing of the refused
 * append is written), even when many streams race for it; the holder may claim it again; a
 * release frees it; the claim index finds the event that holds a key; malformed claims are
 * refused before anything is written. Adapters call `describeClaimsContract` from their own spec.
 * Stream names are unique per run, so the suite also runs against a server that keeps its data.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimIndex } from '../claim-index.port';
import { ClaimTakenError, InvalidAppendError } from '../errors';
import type { EventStore, EventStoreProbe, EventToAppend } from '../event-store.port';

export interface ClaimsContractHarness {
  /** A store and its claim index; called once per suite. */
  open(): Promise<{ store: EventStore & EventStoreProbe; index: ClaimIndex }>;
  /** Closes what `open` opened. */
  close(): Promise<void>;
}

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

export function describeClaimsContract(label: string, harness: ClaimsContractHarness): void {
  describe(`claims contract: ${label}`, () => {
    let store: EventStore & EventStoreProbe;
    let index: ClaimIndex;

    beforeAll(async () => {
      ({ store, index } = await harness.open());
    });
    afterAll(async () => {
      await harness.close();
    });

    const key = () => `test:${randomUUID()}`;
    // Letters no UUID holds, so a check on a message cannot trip on the random key.
    const stream = (name: string) => `${name}-${randomUUID()}`;

    it('refuses a key another stream holds, writing nothing of that append, and names the key only', async () => {
      const claimed = key();
      const holderStream = stream('holder-stream');
      await store.appendToStream(holderStream, [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      const head = await store.headPosition();
      const refusal: unknown = await store
        .appendToStream(stream('other'), [claiming('First'), claiming('Claimed', [claimed])], {
          expectedRevision: 'no_stream',
        })
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ClaimTakenError);
      expect(refusal).toMatchObject({ key: claimed, heldBy: holderStream });
      expect((refusal as Error).message).not.toContain('holder-stream');
      expect(await store.headPosition()).toBe(head);
      expect((await index.holderOf(claimed))?.streamName).toBe(holderStream);
    });

    it('lets the holder claim its key again, and finds the event that first claimed it', async () => {
      const claimed = key();
      const holderStream = stream('again');
      const first = await store.appendToStream(holderStream, [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      await store.appendToStream(holderStream, [claiming('ClaimedAgain', [claimed])], {
        expectedRevision: 0n,
      });
      const holder = await index.holderOf(claimed);
      expect(holder).toMatchObject({ streamName: holderStream, revision: 0n, type: 'Claimed' });
      expect(holder?.position).toBe(first.position);
      expect(await index.holderOf(key())).toBeUndefined();
    });

    it('frees a released key for another stream', async () => {
      const claimed = key();
      const [first, second] = [stream('release'), stream('taker')];
      await store.appendToStream(first, [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      await store.appendToStream(first, [claiming('Released', undefined, [claimed])], {
        expectedRevision: 0n,
      });
      expect(await index.holderOf(claimed)).toBeUndefined();
      await store.appendToStream(second, [claiming('Claimed', [claimed])], {
        expectedRevision: 'no_stream',
      });
      expect((await index.holderOf(claimed))?.streamName).toBe(second);
    });

    it('lets exactly one of 12 streams racing for one key win, the others written nothing', async () => {
      const claimed = key();
      const streams = Array.from({ length: 12 }, (_, i) => stream(`race-${i}`));
      const outcomes = await Promise.allSettled(
        streams.map((name) =>
          store.appendToStream(name, [claiming('Claimed', [claimed])], {
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
      for (const name of streams.filter((candidate) => candidate !== winner)) {
        const events = [];
        for await (const event of store.readStream(name)) events.push(event);
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
          stream('bad'),
          [{ eventId: randomUUID(), type: 'Claimed', data: {}, metadata }],
          { expectedRevision: 'no_stream' },
        ),
      ).rejects.toMatchObject({ constructor: InvalidAppendError, field });
    });
  });
}
