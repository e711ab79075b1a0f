import {
  AppError,
  assertNever,
  evolveWith,
  invariant,
  type Actor,
  type CommandContext,
  type DomainEvent,
} from '@sunlight/kernel';

/*
 * A webhook subscription (事件推送订阅): an integrator's URL and filter, its secret's version, and
 * how far its deliveries have gone. Every change is an event of its stream, so who subscribed to
 * what, who rotated a secret and what was delivered when is audited like everything else. The
 * secret itself is never recorded: it is derived from the server's webhook key and the version.
 */

/** `sub-<owner's division>-<12 hex digits>`: the division is part of the id, as a roster's. */
export const subscriptionIdPattern = /^sub-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})-([0-9a-f]{12})$/;
export const subscriptionStreamPrefix = 'subscription-';

export function subscriptionStreamName(subscriptionId: string): string {
  return `${subscriptionStreamPrefix}${subscriptionId}`;
}

export function divisionOfSubscriptionId(subscriptionId: string): string | undefined {
  return subscriptionIdPattern.exec(subscriptionId)?.[1];
}

/** Log positions as the log writes them: 20 digits, so they compare as strings. */
export function paddedPosition(position: string | bigint | number): string {
  return position.toString().padStart(20, '0');
}

export interface SubscriptionFilter {
  /** Event-type prefixes; empty: every type the owner's scopes admit. */
  readonly types: readonly string[];
  /** Stream-name prefixes; empty: every stream. */
  readonly streams: readonly string[];
  /** Events of streams in this division (the owner's own or one inside it). */
  readonly division: string;
  /** Whether the division was named (published fund lines, of no division, then drop out). */
  readonly divisionAsked: boolean;
}

export type SubscriptionCreated = DomainEvent<
  'SubscriptionCreated',
  {
    subscriptionId: string;
    url: string;
    filter: SubscriptionFilter;
    owner: Actor;
    /** The owner's token scopes when it subscribed: what the deliveries may carry, unmasked or not. */
    scopes: readonly string[];
    secretVersion: number;
    /** Exclusive: deliveries start after this position (the log's head when subscribing, or 0). */
    startAfter: string;
  }
>;
export type SubscriptionSecretRotated = DomainEvent<
  'SubscriptionSecretRotated',
  { subscriptionId: string; secretVersion: number; previousValidUntil: string }
>;
export type SubscriptionDeleted = DomainEvent<'SubscriptionDeleted', { subscriptionId: string }>;
export type SubscriptionReplayed = DomainEvent<
  'SubscriptionReplayed',
  { subscriptionId: string; after: string; epoch: number }
>;
export type WebhookDelivered = DomainEvent<
  'WebhookDelivered',
  {
    subscriptionId: string;
    deliveryId: string;
    webhookId: string;
    epoch: number;
    /** Exclusive start and last position the delivery covered; the cursor moves to `through`. */
    after: string;
    through: string;
    eventCount: number;
    attempts: number;
  }
>;
export type WebhookDeadLettered = DomainEvent<
  'WebhookDeadLettered',
  {
    subscriptionId: string;
    deliveryId: string;
    webhookId: string;
    epoch: number;
    after: string;
    through: string;
    eventCount: number;
    attempts: number;
    lastError: string;
  }
>;

export type SubscriptionEvent =
  | SubscriptionCreated
  | SubscriptionSecretRotated
  | SubscriptionDeleted
  | SubscriptionReplayed
  | WebhookDelivered
  | WebhookDeadLettered;

export const subscriptionEventTypes = [
  'SubscriptionCreated',
  'SubscriptionSecretRotated',
  'SubscriptionDeleted',
  'SubscriptionReplayed',
  'WebhookDelivered',
  'WebhookDeadLettered',
] as const satisfies readonly SubscriptionEvent['type'][];

/**
 * `active` delivers; `dead-lettered` stopped at a delivery that used every attempt and waits for
 * a replay (nothing after it is sent, so nothing is skipped); `deleted` is final.
 */
export type SubscriptionStatus = 'active' | 'dead-lettered' | 'deleted';

export interface SubscriptionState {
  readonly created?: SubscriptionCreated['data'];
  readonly status: SubscriptionStatus;
  readonly secretVersion: number;
  /** While the previous secret still signs alongside the current one. */
  readonly previousValidUntil?: string;
  /** The last position delivered (or skipped by a replay): deliveries go on after it. */
  readonly cursor: string;
  /** Bumped by every replay, so a delivery of before the replay is recognised as stale. */
  readonly epoch: number;
  readonly deadLetter?: WebhookDeadLettered['data'];
  readonly deliveredCount: number;
}

export interface CreateSubscription extends CommandContext {
  readonly type: 'CreateSubscription';
  readonly subscriptionId: string;
  readonly url: string;
  readonly filter: SubscriptionFilter;
  readonly scopes: readonly string[];
  readonly startAfter: string;
}
export interface RotateSubscriptionSecret extends CommandContext {
  readonly type: 'RotateSubscriptionSecret';
  readonly overlapMs: number;
}
export interface DeleteSubscription extends CommandContext {
  readonly type: 'DeleteSubscription';
}
export interface ReplaySubscription extends CommandContext {
  readonly type: 'ReplaySubscription';
  /** Exclusive: events after this position are sent again. */
  readonly after: string;
}
export interface RecordWebhookDelivery extends CommandContext {
  readonly type: 'RecordWebhookDelivery';
  readonly delivery: Omit<WebhookDelivered['data'], 'subscriptionId'>;
}
export interface RecordWebhookDeadLetter extends CommandContext {
  readonly type: 'RecordWebhookDeadLetter';
  readonly delivery: Omit<WebhookDeadLettered['data'], 'subscriptionId'>;
}

export type SubscriptionCommand =
  | CreateSubscription
  | RotateSubscriptionSecret
  | DeleteSubscription
  | ReplaySubscription
  | RecordWebhookDelivery
  | RecordWebhookDeadLetter;

export class SubscriptionNotFoundError extends AppError {
  override readonly name = 'SubscriptionNotFoundError';
  readonly code = 'INTEGRATORS.SUBSCRIPTION_NOT_FOUND';
  readonly httpStatus = 404;
  override readonly title = 'Subscription not found';

  constructor(readonly subscriptionId: string) {
    super(`No subscription ${subscriptionId} that you may see`, { subscriptionId });
  }
}

export class SubscriptionDeletedError extends AppError {
  override readonly name = 'SubscriptionDeletedError';
  readonly code = 'INTEGRATORS.SUBSCRIPTION_DELETED';
  readonly httpStatus = 409;
  override readonly title = 'The subscription was deleted';

  constructor(readonly subscriptionId: string) {
    super(`Subscription ${subscriptionId} was deleted`, { subscriptionId });
  }
}

export function initialSubscriptionState(): SubscriptionState {
  return {
    status: 'active',
    secretVersion: 0,
    cursor: paddedPosition(0),
    epoch: 0,
    deliveredCount: 0,
  };
}

const evolve = evolveWith<SubscriptionState, SubscriptionEvent>(
  {
    SubscriptionCreated: (state, { data }) => ({
      ...state,
      created: data,
      status: 'active',
      secretVersion: data.secretVersion,
      cursor: data.startAfter,
    }),
    SubscriptionSecretRotated: (state, { data }) => ({
      ...state,
      secretVersion: data.secretVersion,
      previousValidUntil: data.previousValidUntil,
    }),
    SubscriptionDeleted: (state) => ({ ...state, status: 'deleted' }),
    SubscriptionReplayed: (state, { data }) => {
      const { deadLetter: _cleared, ...rest } = state;
      return { ...rest, status: 'active', cursor: data.after, epoch: data.epoch };
    },
    WebhookDelivered: (state, { data }) => {
      invariant(
        data.after === state.cursor,
        `delivery ${data.deliveryId} does not follow the cursor`,
      );
      return { ...state, cursor: data.through, deliveredCount: state.deliveredCount + 1 };
    },
    WebhookDeadLettered: (state, { data }) => ({
      ...state,
      status: 'dead-lettered',
      deadLetter: data,
    }),
  },
  'subscription',
);

function decide(command: SubscriptionCommand, state: SubscriptionState): SubscriptionEvent[] {
  if (command.type === 'CreateSubscription') {
    // The same creation repeated (an HTTP retry) writes nothing; the id is new per request.
    if (state.created !== undefined) return [];
    return [
      {
        type: 'SubscriptionCreated',
        data: {
          subscriptionId: command.subscriptionId,
          url: command.url,
          filter: command.filter,
          owner: {
            id: command.actor.id,
            role: command.actor.role,
            division: command.actor.division,
          },
          scopes: command.scopes,
          secretVersion: 1,
          startAfter: command.startAfter,
        },
      },
    ];
  }
  const created = state.created;
  if (created === undefined) throw new SubscriptionNotFoundError('(unknown)');
  const subscriptionId = created.subscriptionId;
  switch (command.type) {
    case 'DeleteSubscription':
      return state.status === 'deleted'
        ? []
        : [{ type: 'SubscriptionDeleted', data: { subscriptionId } }];
    case 'RotateSubscriptionSecret': {
      if (state.status === 'deleted') throw new SubscriptionDeletedError(subscriptionId);
      const until = new Date(Date.parse(command.occurredAt) + command.overlapMs).toISOString();
      return [
        {
          type: 'SubscriptionSecretRotated',
          data: {
            subscriptionId,
            secretVersion: state.secretVersion + 1,
            previousValidUntil: until,
          },
        },
      ];
    }
    case 'ReplaySubscription':
      if (state.status === 'deleted') throw new SubscriptionDeletedError(subscriptionId);
      return [
        {
          type: 'SubscriptionReplayed',
          data: { subscriptionId, after: command.after, epoch: state.epoch + 1 },
        },
      ];
    case 'RecordWebhookDelivery': {
      // A delivery of before a replay, or recorded already (a retried job), changes nothing.
      const { delivery } = command;
      if (state.status !== 'active' || delivery.epoch !== state.epoch) return [];
      if (delivery.after !== state.cursor) return [];
      return [{ type: 'WebhookDelivered', data: { subscriptionId, ...delivery } }];
    }
    case 'RecordWebhookDeadLetter': {
      const { delivery } = command;
      if (state.status !== 'active' || delivery.epoch !== state.epoch) return [];
      if (delivery.after !== state.cursor) return [];
      return [{ type: 'WebhookDeadLettered', data: { subscriptionId, ...delivery } }];
    }
    default:
      return assertNever(command, 'subscription command');
  }
}

export const subscriptionDecider = {
  initialState: initialSubscriptionState,
  decide,
  evolve,
};

/** Whether the stream holds a subscription that was not deleted. */
export function isLiveSubscription(
  state: SubscriptionState,
): state is SubscriptionState & { created: SubscriptionCreated['data'] } {
  return state.created !== undefined && state.status !== 'deleted';
}
