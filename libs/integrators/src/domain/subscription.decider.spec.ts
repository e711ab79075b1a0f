// Proves the subscription's rules on data: a delivery moves the cursor only when it follows it in the current epoch (a retried or stale one writes nothing), a dead letter stops the subscription until a replay, which resumes it in a new epoch, and a rotation keeps the previous secret for the overlap.
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  paddedPosition,
  subscriptionDecider,
  SubscriptionDeletedError,
  type SubscriptionEvent,
} from './subscription.decider';

const actor = { id: 'bank-530325', role: 'integrator', division: '530325' };
const occurredAt = '2026-12-03T10:00:00.000Z';
const subscriptionId = 'sub-530325-0123456789ab';
const created: SubscriptionEvent = {
  type: 'SubscriptionCreated',
  data: {
    subscriptionId,
    url: 'https://receiver.example/hook',
    filter: { types: ['Disbursement'], streams: [], division: '530325', divisionAsked: false },
    owner: actor,
    scopes: ['Disbursement'],
    secretVersion: 1,
    startAfter: paddedPosition(0),
  },
};
const delivery = {
  deliveryId: 'webhooks.1',
  webhookId: 'msg_1',
  epoch: 0,
  after: paddedPosition(0),
  through: paddedPosition(7),
  eventCount: 2,
  attempts: 1,
};
const delivered: SubscriptionEvent = {
  type: 'WebhookDelivered',
  data: { subscriptionId, ...delivery },
};
const { given } = deciderSpec(subscriptionDecider);

describe('subscription decider', () => {
  it('given a subscription, when a delivery following its cursor is recorded, then the cursor moves to its last position', () => {
    const state = given([created])
      .when({ type: 'RecordWebhookDelivery', delivery, actor, occurredAt })
      .then([delivered]);
    expect(state.cursor).toBe(paddedPosition(7));
  });

  it('given a delivery recorded, when it is recorded again (a retried job), then nothing is written', () => {
    given([created, delivered])
      .when({ type: 'RecordWebhookDelivery', delivery, actor, occurredAt })
      .then([]);
  });

  it('given a dead letter, when a replay comes, then the subscription resumes in a new epoch and an old delivery is stale', () => {
    const deadLettered: SubscriptionEvent = {
      type: 'WebhookDeadLettered',
      data: { subscriptionId, ...delivery, attempts: 4, lastError: 'answered 500' },
    };
    const stopped = given([created])
      .when({
        type: 'RecordWebhookDeadLetter',
        delivery: { ...delivery, attempts: 4, lastError: 'answered 500' },
        actor,
        occurredAt,
      })
      .then([deadLettered]);
    expect(stopped.status).toBe('dead-lettered');
    given([created, deadLettered])
      .when({ type: 'RecordWebhookDelivery', delivery, actor, occurredAt })
      .then([]);
    const replayed: SubscriptionEvent = {
      type: 'SubscriptionReplayed',
      data: { subscriptionId, after: paddedPosition(0), epoch: 1 },
    };
    const resumed = given([created, deadLettered])
      .when({ type: 'ReplaySubscription', after: paddedPosition(0), actor, occurredAt })
      .then([replayed]);
    expect(resumed).toMatchObject({ status: 'active', epoch: 1, cursor: paddedPosition(0) });
    expect(resumed.deadLetter).toBeUndefined();
    given([created, deadLettered, replayed])
      .when({ type: 'RecordWebhookDelivery', delivery, actor, occurredAt })
      .then([]);
  });

  it('given a subscription, when its secret is rotated, then the next version is recorded with the end of the overlap', () => {
    const state = given([created])
      .when({ type: 'RotateSubscriptionSecret', overlapMs: 60_000, actor, occurredAt })
      .then([
        {
          type: 'SubscriptionSecretRotated',
          data: {
            subscriptionId,
            secretVersion: 2,
            previousValidUntil: '2026-12-03T10:01:00.000Z',
          },
        },
      ]);
    expect(state.secretVersion).toBe(2);
  });

  it('given a deleted subscription, when a replay or rotation comes, then it is refused and a delete again writes nothing', () => {
    const deleted: SubscriptionEvent = { type: 'SubscriptionDeleted', data: { subscriptionId } };
    given([created, deleted])
      .when({ type: 'ReplaySubscription', after: paddedPosition(0), actor, occurredAt })
      .thenThrows(SubscriptionDeletedError);
    given([created, deleted])
      .when({ type: 'RotateSubscriptionSecret', overlapMs: 1, actor, occurredAt })
      .thenThrows(SubscriptionDeletedError);
    given([created, deleted]).when({ type: 'DeleteSubscription', actor, occurredAt }).then([]);
  });
});
