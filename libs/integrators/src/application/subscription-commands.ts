import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import {
  subscriptionDecider,
  subscriptionEventTypes,
  subscriptionStreamPrefix,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionState,
} from '../domain/subscription.decider';

export type SubscriptionCommands = DeciderHandler<
  SubscriptionState,
  SubscriptionCommand,
  SubscriptionEvent
>;
export const SUBSCRIPTION_COMMANDS = 'SUBSCRIPTION_COMMANDS';

/** Subscriptions whose folded state this process keeps (the dispatcher loads each every poll). */
export const subscriptionStateCacheEntriesMax = 1_000;

const subscriptionTypes: ReadonlySet<string> = new Set(subscriptionEventTypes);

/* The one border between the log and the subscriptions' domain. */
export function subscriptionEventOf(recorded: RecordedEvent): SubscriptionEvent | undefined {
  if (!recorded.streamName.startsWith(subscriptionStreamPrefix)) return undefined;
  if (!subscriptionTypes.has(recorded.type)) return undefined;
  // The type is one of the subscription's, checked above; the data is what its decider wrote.
  return { type: recorded.type, data: recorded.data } as unknown as SubscriptionEvent;
}

export function toSubscriptionEvent(recorded: RecordedEvent): SubscriptionEvent {
  const event = subscriptionEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a subscription event`,
  );
  return event;
}

export function subscriptionCommands(store: EventStore): SubscriptionCommands {
  return deciderHandler(store, {
    decider: subscriptionDecider,
    toDomainEvent: toSubscriptionEvent,
    cacheEntriesMax: subscriptionStateCacheEntriesMax,
  });
}

export const subscriptionCommandProviders: Provider[] = [
  { provide: SUBSCRIPTION_COMMANDS, inject: [EVENT_STORE], useFactory: subscriptionCommands },
];
