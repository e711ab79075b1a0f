// Proves the subscription index answers for every subscription appended before the call, even when
// the call comes while an earlier read (which took the log's head before that append) is running.
import type { EventStore, EventStoreProbe, RecordedEvent } from '@sunlight/event-store';
import type { Actor } from '@sunlight/kernel';
import { SubscriptionIndex } from './subscription-index';

const owner = (id: string): Actor => ({ id, role: 'integrator', division: '530325' }) as Actor;

/** A log in memory whose reads can be held at their first event, to interleave them with appends. */
class HeldLog {
  readonly events: RecordedEvent[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  subscribe(subscriptionId: string, ownerId: string): void {
    const position = String(this.events.length + 1);
    this.events.push({
      streamName: `subscription-${subscriptionId}`,
      revision: 0n,
      position,
      recordedAt: new Date(),
      id: `event-${position}`,
      type: 'SubscriptionCreated',
      data: { subscriptionId, owner: owner(ownerId) },
      metadata: {},
    } as unknown as RecordedEvent);
  }

  store(): EventStore & EventStoreProbe {
    const headPosition = async () => this.events.at(-1)?.position;
    const readAll = async function* (this: HeldLog, options?: { after?: string }) {
      const after = BigInt(options?.after ?? '0');
      const snapshot = this.events.filter((event) => BigInt(event.position) > after);
      if (this.gate) await this.gate;
      yield* snapshot;
    }.bind(this);
    return { headPosition, readAll } as unknown as EventStore & EventStoreProbe;
  }
}

describe('SubscriptionIndex', () => {
  it('knows every subscription appended before the call', async () => {
    const log = new HeldLog();
    log.subscribe('sub-a', 'owner-a');
    const index = new SubscriptionIndex(log.store());
    expect((await index.all()).map((known) => known.subscriptionId)).toEqual(['sub-a']);
    log.subscribe('sub-b', 'owner-b');
    expect((await index.all()).map((known) => known.subscriptionId)).toEqual(['sub-a', 'sub-b']);
  });

  it('makes a call that comes during a running read wait for a read of its own', async () => {
    const log = new HeldLog();
    log.subscribe('sub-a', 'owner-a');
    const index = new SubscriptionIndex(log.store());
    await index.all();
    log.subscribe('sub-b', 'owner-b');
    log.hold();
    // A read (say the webhook dispatcher's) takes the head now, with sub-b the last …
    const earlier = index.all();
    await new Promise((resolve) => setImmediate(resolve));
    // … and the owner of sub-c, appended meanwhile, asks while it runs.
    log.subscribe('sub-c', 'owner-c');
    const later = index.all();
    log.release();
    expect((await earlier).map((known) => known.subscriptionId)).toContain('sub-b');
    expect((await later).map((known) => known.subscriptionId)).toEqual(['sub-a', 'sub-b', 'sub-c']);
  });

  it('shares one read among the callers that came during the same running read', async () => {
    const log = new HeldLog();
    log.subscribe('sub-a', 'owner-a');
    const store = log.store();
    const heads = jest.spyOn(store, 'headPosition');
    const index = new SubscriptionIndex(store);
    log.hold();
    const first = index.all();
    await new Promise((resolve) => setImmediate(resolve));
    log.subscribe('sub-b', 'owner-b');
    const waiting = [index.all(), index.all(), index.all()];
    log.release();
    await first;
    for (const answer of await Promise.all(waiting))
      expect(answer.map((known) => known.subscriptionId)).toEqual(['sub-a', 'sub-b']);
    expect(heads).toHaveBeenCalledTimes(2);
  });
});
