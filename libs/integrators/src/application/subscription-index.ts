import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  type EventStore,
  type EventStoreProbe,
  type GlobalPosition,
} from '@sunlight/event-store';
import type { Actor } from '@sunlight/kernel';
import { subscriptionStreamPrefix } from '../domain/subscription.decider';

/** Who may see a subscription, as the index knows it. */
export interface IndexedSubscription {
  readonly subscriptionId: string;
  readonly owner: Actor;
  readonly deleted: boolean;
}

/**
 * Every subscription of the log, read from the subscription streams' creations and deletions:
 * the list route and the dispatcher both need them all, and no read model holds them. Brought up
 * to the log's head before each use, reading only what was appended since the last time.
 */
@Injectable()
export class SubscriptionIndex {
  private readonly subscriptions = new Map<string, IndexedSubscription>();
  private scannedTo: GlobalPosition | undefined;
  private reading: Promise<void> | undefined;
  private nextRead: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore & EventStoreProbe) {}

  /** Every subscription known up to the log's head now (deleted ones included). */
  async all(): Promise<IndexedSubscription[]> {
    await this.refresh();
    return [...this.subscriptions.values()];
  }

  /**
   * Callers at once share one read. A caller that comes while a read is running waits for the
   * next one (shared by all who came meanwhile): the running read may have taken the log's head
   * before the caller's own subscription was appended, and must not answer for it.
   */
  private refresh(): Promise<void> {
    if (this.reading === undefined) {
      this.reading = this.read().finally(() => {
        this.reading = undefined;
      });
      return this.reading;
    }
    this.nextRead ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextRead = undefined;
        return this.refresh();
      });
    return this.nextRead;
  }

  private async read(): Promise<void> {
    const head = await this.store.headPosition();
    if (head === undefined || head === this.scannedTo) return;
    for await (const event of this.store.readAll({
      ...(this.scannedTo === undefined ? {} : { after: this.scannedTo }),
      filter: { on: 'streamName', prefixes: [subscriptionStreamPrefix] },
    })) {
      const data = event.data as { subscriptionId?: string; owner?: Actor };
      if (event.type === 'SubscriptionCreated' && data.subscriptionId && data.owner) {
        this.subscriptions.set(data.subscriptionId, {
          subscriptionId: data.subscriptionId,
          owner: data.owner,
          deleted: false,
        });
      } else if (event.type === 'SubscriptionDeleted' && data.subscriptionId) {
        const known = this.subscriptions.get(data.subscriptionId);
        if (known) this.subscriptions.set(data.subscriptionId, { ...known, deleted: true });
      }
      if (BigInt(event.position) > BigInt(head)) break;
    }
    if (this.scannedTo === undefined || BigInt(head) > BigInt(this.scannedTo))
      this.scannedTo = head;
  }
}
