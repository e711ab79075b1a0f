import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { assertWithinJurisdiction, eventTypeScopes, eventTypeScopePattern } from '@sunlight/auth';
import {
  commandMetadata,
  EVENT_STORE,
  type CommandIds,
  type EventStore,
  type EventStoreProbe,
} from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { JOB_QUEUES, type JobQueues } from '@sunlight/jobs';
import { AppError, RequestFieldError, sameJson, type Actor } from '@sunlight/kernel';
import { INTEGRATORS_OPTIONS, type IntegratorsOptions } from '../api/integrators.options';
import {
  divisionOfSubscriptionId,
  isLiveSubscription,
  paddedPosition,
  subscriptionIdPattern,
  subscriptionStreamName,
  SubscriptionNotFoundError,
  type SubscriptionCommand,
  type SubscriptionCreated,
  type SubscriptionState,
  type WebhookDeadLettered,
  type WebhookDelivered,
} from '../domain/subscription.decider';
import { effectiveTypePrefixes } from './feed-filter';
import {
  SUBSCRIPTION_COMMANDS,
  subscriptionEventOf,
  type SubscriptionCommands,
} from './subscription-commands';
import { SubscriptionIndex } from './subscription-index';
import { webhookUrlProblem } from './webhook-delivery';
import { deliveryJobId, WebhookDispatcher, type DeliveryJob } from './webhook-dispatcher';
import { subscriptionSecret, WEBHOOK_KEY } from './webhook-secrets';

/** What an `Idempotency-Key` header may hold. */
export const idempotencyKeyPattern = /^[\x21-\x7e]{8,128}$/;

export class IdempotencyKeyReusedError extends AppError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly code = 'INTEGRATORS.IDEMPOTENCY_KEY_REUSED';
  readonly httpStatus = 409;
  override readonly title = 'The Idempotency-Key was used for another subscription';

  constructor(readonly subscriptionId: string) {
    super(
      `This Idempotency-Key created subscription ${subscriptionId} with another URL or filter, or one since deleted; use a new key`,
      { subscriptionId },
    );
  }
}

/** Subscriptions one owner keeps at once (deleted ones not counted). */
export const subscriptionsPerOwnerMax = 20;
/** Prefixes one filter names at most, of each kind. */
export const filterPrefixesMax = 32;
export const streamPrefixLengthMax = 250;
/** Deliveries the deliveries route lists, newest first. */
export const deliveriesListedMax = 100;

export interface SubscriptionRequest {
  readonly url: string;
  readonly types?: readonly string[];
  readonly streams?: readonly string[];
  readonly division?: string;
  /** Exclusive start position; absent: the log's head now (only what comes next). */
  readonly after?: string;
}

export interface SubscriptionView {
  readonly subscriptionId: string;
  readonly url: string;
  readonly filter: { types: readonly string[]; streams: readonly string[]; division: string };
  readonly status: SubscriptionState['status'];
  /** The last position delivered: deliveries go on after it. */
  readonly cursor: string;
  readonly secretVersion: number;
  readonly previousSecretValidUntil?: string;
  readonly owner: Actor;
  readonly deadLetter?: DeliveryView;
}

export interface DeliveryView {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly status: 'delivered' | 'dead-lettered' | 'pending';
  readonly attempts: number;
  readonly lastError?: string;
  readonly after: string;
  readonly through: string;
  readonly eventCount: number;
  readonly recordedAt?: string;
}

export class TooManySubscriptionsError extends AppError {
  override readonly name = 'TooManySubscriptionsError';
  readonly code = 'INTEGRATORS.TOO_MANY_SUBSCRIPTIONS';
  readonly httpStatus = 409;
  override readonly title = 'Too many subscriptions';

  constructor() {
    super(`At most ${subscriptionsPerOwnerMax} subscriptions per integrator; delete one first`);
  }
}

/** The subscriptions' use cases behind the routes; the routes check roles, this the rest. */
@Injectable()
export class Subscriptions {
  constructor(
    @Inject(SUBSCRIPTION_COMMANDS) private readonly commands: SubscriptionCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore & EventStoreProbe,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(INTEGRATORS_OPTIONS) private readonly options: IntegratorsOptions,
    @Inject(WEBHOOK_KEY) private readonly webhookKey: string,
    private readonly index: SubscriptionIndex,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async create(
    actor: Actor,
    scopes: readonly string[],
    request: SubscriptionRequest,
    ids: CommandIds,
    idempotencyKey?: string,
  ): Promise<SubscriptionView & { secret: string; replayed: boolean }> {
    if (idempotencyKey !== undefined && !idempotencyKeyPattern.test(idempotencyKey)) {
      throw new RequestFieldError(
        'Idempotency-Key',
        'must be 8 to 128 visible ASCII characters (a UUID, say)',
      );
    }
    const urlProblem = webhookUrlProblem(request.url, this.options.webhooks.allowedHosts);
    if (urlProblem !== undefined) throw new RequestFieldError('url', urlProblem);
    const types = [...(request.types ?? [])];
    const ownScopes = actor.role === 'integrator' ? eventTypeScopes(scopes) : undefined;
    for (const [index, type] of types.entries()) {
      if (!eventTypeScopePattern.test(type)) {
        throw new RequestFieldError(
          `types[${index}]`,
          'must be an event-type prefix such as Disbursement',
        );
      }
      if (ownScopes !== undefined && effectiveTypePrefixes([type], ownScopes)?.length === 0) {
        throw new RequestFieldError(
          `types[${index}]`,
          `${type} lies outside your token's scopes (${ownScopes.join(', ')})`,
        );
      }
    }
    const streams = [...(request.streams ?? [])];
    const division = request.division ?? actor.division;
    if (request.division !== undefined) {
      if (this.divisions.get(division) === undefined) {
        throw new RequestFieldError('division', `${division} is not a known division`);
      }
      assertWithinJurisdiction(actor, division, this.divisions);
    }
    const filter = { types, streams, division, divisionAsked: request.division !== undefined };
    // With an Idempotency-Key the id is the key's (per caller), so a retried request finds the
    // subscription its first try created and answers it again instead of subscribing twice.
    const subscriptionId =
      idempotencyKey === undefined
        ? `sub-${actor.division}-${randomBytes(6).toString('hex')}`
        : `sub-${actor.division}-${createHash('sha256').update(`${actor.id}\n${idempotencyKey}`).digest('hex').slice(0, 12)}`;
    if (idempotencyKey !== undefined) {
      const { state } = await this.commands.load(subscriptionStreamName(subscriptionId));
      if (state.created !== undefined) {
        if (
          !isLiveSubscription(state) ||
          state.created.url !== request.url ||
          !sameJson(state.created.filter, filter)
        ) {
          throw new IdempotencyKeyReusedError(subscriptionId);
        }
        return {
          ...this.view(state),
          secret: subscriptionSecret(this.webhookKey, subscriptionId, state.secretVersion),
          replayed: true,
        };
      }
    }
    const owned = (await this.index.all()).filter(
      (known) => !known.deleted && known.owner.id === actor.id,
    );
    if (owned.length >= subscriptionsPerOwnerMax) throw new TooManySubscriptionsError();
    const startAfter = paddedPosition(request.after ?? (await this.store.headPosition()) ?? 0);
    const command: SubscriptionCommand = {
      type: 'CreateSubscription',
      subscriptionId,
      url: request.url,
      filter,
      scopes: [...scopes],
      startAfter,
      actor,
      occurredAt: new Date().toISOString(),
    };
    const result = await this.commands.handle(
      subscriptionStreamName(subscriptionId),
      command,
      commandMetadata(command, ids),
    );
    this.kick(subscriptionId);
    return {
      ...this.view(result.state),
      secret: subscriptionSecret(this.webhookKey, subscriptionId, 1),
      replayed: false,
    };
  }

  /** The subscriptions the caller may see: its own, and those of integrators below it. */
  async list(actor: Actor): Promise<SubscriptionView[]> {
    const visible = (await this.index.all()).filter(
      (known) => !known.deleted && this.maySee(actor, known.owner),
    );
    const views: SubscriptionView[] = [];
    for (const known of visible) {
      const { state } = await this.commands.load(subscriptionStreamName(known.subscriptionId));
      if (isLiveSubscription(state)) views.push(this.view(state));
    }
    return views;
  }

  async get(actor: Actor, subscriptionId: string): Promise<SubscriptionView> {
    return this.view(await this.visible(actor, subscriptionId));
  }

  async delete(actor: Actor, subscriptionId: string, ids: CommandIds): Promise<SubscriptionView> {
    await this.visible(actor, subscriptionId);
    const state = await this.run(
      subscriptionId,
      { type: 'DeleteSubscription', actor, occurredAt: new Date().toISOString() },
      ids,
    );
    return this.view(state);
  }

  async rotateSecret(
    actor: Actor,
    subscriptionId: string,
    ids: CommandIds,
  ): Promise<{
    subscriptionId: string;
    secret: string;
    secretVersion: number;
    previousSecretValidUntil: string;
  }> {
    await this.visible(actor, subscriptionId);
    const state = await this.run(
      subscriptionId,
      {
        type: 'RotateSubscriptionSecret',
        overlapMs: this.options.webhooks.secretOverlapMs,
        actor,
        occurredAt: new Date().toISOString(),
      },
      ids,
    );
    return {
      subscriptionId,
      secret: subscriptionSecret(this.webhookKey, subscriptionId, state.secretVersion),
      secretVersion: state.secretVersion,
      previousSecretValidUntil: state.previousValidUntil as string,
    };
  }

  /** Sends again every event of the filter at or after `from`, and resumes a dead-lettered subscription. */
  async replay(
    actor: Actor,
    subscriptionId: string,
    from: string,
    ids: CommandIds,
  ): Promise<SubscriptionView> {
    await this.visible(actor, subscriptionId);
    const after = paddedPosition(BigInt(from) - 1n < 0n ? 0n : BigInt(from) - 1n);
    const state = await this.run(
      subscriptionId,
      { type: 'ReplaySubscription', after, actor, occurredAt: new Date().toISOString() },
      ids,
    );
    this.kick(subscriptionId);
    return this.view(state);
  }

  /** The delivery in flight (with its tries so far), then the recorded ones, newest first. */
  async deliveries(actor: Actor, subscriptionId: string): Promise<DeliveryView[]> {
    const state = await this.visible(actor, subscriptionId);
    const views: DeliveryView[] = [];
    if (state.status === 'active') {
      const jobId = deliveryJobId(subscriptionId, state.epoch, state.cursor);
      const attempts = await this.jobs.attemptsOf(jobId);
      if (attempts !== undefined && attempts.state !== 'completed') {
        const job = attempts.payload as DeliveryJob;
        views.push({
          deliveryId: jobId,
          webhookId: job.webhookId,
          status: 'pending',
          attempts: attempts.failures,
          ...(attempts.lastError === undefined ? {} : { lastError: attempts.lastError }),
          after: job.after,
          through: job.through,
          eventCount: job.eventCount,
        });
      }
    }
    for await (const recorded of this.store.readStream(subscriptionStreamName(subscriptionId), {
      direction: 'backwards',
    })) {
      if (views.length >= deliveriesListedMax) break;
      const event = subscriptionEventOf(recorded);
      if (event?.type !== 'WebhookDelivered' && event?.type !== 'WebhookDeadLettered') continue;
      views.push(
        deliveryView(
          event.data,
          event.type === 'WebhookDelivered' ? 'delivered' : 'dead-lettered',
          recorded.recordedAt,
        ),
      );
    }
    return views;
  }

  private async run(
    subscriptionId: string,
    command: SubscriptionCommand,
    ids: CommandIds,
  ): Promise<SubscriptionState> {
    const result = await this.commands.handle(
      subscriptionStreamName(subscriptionId),
      command,
      commandMetadata(command, ids),
    );
    return result.state;
  }

  /** The subscription, when the caller may see it; to anyone else it does not exist. */
  private async visible(
    actor: Actor,
    subscriptionId: string,
  ): Promise<SubscriptionState & { created: SubscriptionCreated['data'] }> {
    if (!subscriptionIdPattern.test(subscriptionId))
      throw new SubscriptionNotFoundError(subscriptionId);
    const ownerDivision = divisionOfSubscriptionId(subscriptionId) as string;
    // Cheap refusal before reading: the id names the owner's division.
    if (
      ownerDivision !== actor.division &&
      !this.divisions.isWithin(ownerDivision, actor.division)
    ) {
      throw new SubscriptionNotFoundError(subscriptionId);
    }
    const { state } = await this.commands.load(subscriptionStreamName(subscriptionId));
    if (!isLiveSubscription(state) || !this.maySee(actor, state.created.owner)) {
      throw new SubscriptionNotFoundError(subscriptionId);
    }
    return state;
  }

  /** The owner sees its subscription; so does anyone whose jurisdiction lies strictly above the owner's. */
  private maySee(actor: Actor, owner: Actor): boolean {
    if (actor.id === owner.id) return true;
    return (
      actor.division !== owner.division && this.divisions.isWithin(owner.division, actor.division)
    );
  }

  private kick(subscriptionId: string): void {
    if (!this.options.webhooks.runWorkers) return;
    void this.dispatcher.pump(subscriptionId).catch(() => undefined);
  }

  private view(state: SubscriptionState): SubscriptionView {
    const created = state.created as SubscriptionCreated['data'];
    return {
      subscriptionId: created.subscriptionId,
      url: created.url,
      filter: {
        types: created.filter.types,
        streams: created.filter.streams,
        division: created.filter.division,
      },
      status: state.status,
      cursor: state.cursor,
      secretVersion: state.secretVersion,
      ...(state.previousValidUntil === undefined
        ? {}
        : { previousSecretValidUntil: state.previousValidUntil }),
      owner: created.owner,
      ...(state.deadLetter === undefined
        ? {}
        : { deadLetter: deliveryView(state.deadLetter, 'dead-lettered') }),
    };
  }
}

function deliveryView(
  data: WebhookDelivered['data'] | WebhookDeadLettered['data'],
  status: DeliveryView['status'],
  recordedAt?: Date,
): DeliveryView {
  return {
    deliveryId: data.deliveryId,
    webhookId: data.webhookId,
    status,
    attempts: data.attempts,
    ...('lastError' in data ? { lastError: data.lastError } : {}),
    after: data.after,
    through: data.through,
    eventCount: data.eventCount,
    ...(recordedAt === undefined ? {} : { recordedAt: recordedAt.toISOString() }),
  };
}
