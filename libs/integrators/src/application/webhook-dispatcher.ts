import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { commandMetadata, deterministicUuid } from '@sunlight/event-store';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import { delay } from '@sunlight/kernel';
import { INTEGRATORS_OPTIONS, type IntegratorsOptions } from '../api/integrators.options';
import {
  isLiveSubscription,
  subscriptionStreamName,
  subscriptionStreamPrefix,
  type SubscriptionCreated,
  type SubscriptionState,
} from '../domain/subscription.decider';
import { cloudEventOf, type FeedEvent } from './feed-events';
import { FeedReader } from './feed-reader';
import { SUBSCRIPTION_COMMANDS, type SubscriptionCommands } from './subscription-commands';
import { SubscriptionIndex } from './subscription-index';
import { deliverWebhook } from './webhook-delivery';
import { signingSecrets, WEBHOOK_KEY } from './webhook-secrets';

/*
 * Webhook deliveries on the jobs' queues. A subscription has at most one delivery in flight: the
 * next batch (up to WEBHOOK_BATCH_MAX events after its cursor) is submitted only once the last
 * one is recorded as delivered, so events arrive in log order. A delivery's job id is derived
 * from the subscription, its replay epoch and its cursor, so any number of instances submitting
 * "the next delivery" submit the same job once. Every try of one delivery carries the same
 * `webhook-id` and the same body (re-read from the immutable log); a delivery that uses every
 * attempt is dead-lettered and the subscription stops there until a replay: nothing after it
 * is sent, so nothing is skipped (docs/integrators.md).
 */

export const webhooksQueue = 'webhooks';
export const webhookContentType = 'application/cloudevents-batch+json';
/** Finished delivery jobs stay readable this long (the deliveries route shows their tries). */
const keepFinishedDeliveriesSeconds = 7 * 24 * 3600;
/** Deliveries one worker sends at once, each for another subscription. */
const deliveryConcurrency = 8;
/** Random share taken off each backoff, so failing receivers are not retried in lockstep. */
const backoffJitter = 0.5;

export interface DeliveryJob {
  readonly subscriptionId: string;
  readonly epoch: number;
  /** The cursor the delivery follows: it is delivered once the cursor is here. */
  readonly after: string;
  /** Where reading starts (past events the filter skipped since `after`). */
  readonly readAfter: string;
  readonly through: string;
  readonly eventCount: number;
  readonly webhookId: string;
}

export interface DeliveryResult {
  readonly delivered: boolean;
  readonly status?: number;
  readonly reason?: string;
}

type LiveState = SubscriptionState & { created: SubscriptionCreated['data'] };

export function deliveryJobId(subscriptionId: string, epoch: number, after: string): string {
  return `${webhooksQueue}.${deterministicUuid(`webhook:${subscriptionId}:${epoch}:${after}`)}`;
}

/** Standard Webhooks ids are opaque; ours is the delivery's job id, unique per delivery. */
export function webhookIdOf(jobId: string): string {
  return `msg_${jobId.slice(webhooksQueue.length + 1).replaceAll('-', '')}`;
}

@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  /** Subscriptions being pumped now, and those asked to pump again once it ends. */
  private readonly pumping = new Set<string>();
  private readonly again = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** How far each subscription's filter was read past its cursor without a match (this process). */
  private readonly scannedPast = new Map<string, { cursor: string; epoch: number; to: string }>();

  constructor(
    @Inject(SUBSCRIPTION_COMMANDS) private readonly subscriptions: SubscriptionCommands,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(INTEGRATORS_OPTIONS) private readonly options: IntegratorsOptions,
    @Inject(WEBHOOK_KEY) private readonly webhookKey: string,
    private readonly index: SubscriptionIndex,
    private readonly reader: FeedReader,
  ) {}

  onModuleInit(): void {
    const webhooks = this.options.webhooks;
    this.jobs.define<DeliveryJob, DeliveryResult>(webhooksQueue, {
      processor: (run) => this.deliver(run),
      attempts: webhooks.attempts,
      backoff: { delayMs: webhooks.backoffMs, jitter: backoffJitter },
      concurrency: deliveryConcurrency,
      keepFinishedSeconds: keepFinishedDeliveriesSeconds,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.options.webhooks.runWorkers) return;
    this.loop = this.poll();
  }

  /** Before the queues close (the jobs module closes them before the app shuts down). */
  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    await Promise.allSettled([...this.running]);
  }

  /** Looks for new events for every live subscription, every WEBHOOK_POLL_MS. */
  private async poll(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      try {
        const subscriptions = await this.index.all();
        for (const subscription of subscriptions) {
          if (signal.aborted) return;
          if (!subscription.deleted) await this.pump(subscription.subscriptionId);
        }
      } catch (error) {
        if (!signal.aborted) this.logger.warn(`webhook poll failed: ${(error as Error).message}`);
      }
      await delay(this.options.webhooks.pollMs, signal).catch(() => undefined);
    }
  }

  /**
   * Submits the subscription's next delivery when it has none in flight and the log holds
   * matching events after its cursor. Safe to call from anywhere at any time.
   */
  async pump(subscriptionId: string): Promise<void> {
    if (this.stopped.signal.aborted) return;
    if (this.pumping.has(subscriptionId)) {
      this.again.add(subscriptionId);
      return;
    }
    this.pumping.add(subscriptionId);
    const run = (async () => {
      try {
        do {
          this.again.delete(subscriptionId);
          await this.submitNext(subscriptionId);
        } while (this.again.has(subscriptionId) && !this.stopped.signal.aborted);
      } finally {
        this.pumping.delete(subscriptionId);
      }
    })();
    // Shutdown waits for it: the queues it submits to close right after.
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
    }
  }

  private async submitNext(subscriptionId: string): Promise<void> {
    const { state } = await this.subscriptions.load(subscriptionStreamName(subscriptionId));
    if (!isLiveSubscription(state) || state.status !== 'active') return;
    const jobId = deliveryJobId(subscriptionId, state.epoch, state.cursor);
    const existing = await this.jobs.attemptsOf(jobId);
    if (existing?.state === 'failed') {
      // Failed for good, but its dead letter was never recorded (the worker stopped in between):
      // record it now, so the subscription shows where it stopped instead of looking active.
      await this.recordDeadLetter(
        existing.payload as DeliveryJob,
        jobId,
        existing.failures,
        existing.lastError ?? 'failed',
        state,
      );
      return;
    }
    if (existing !== undefined) return;
    const scanned = this.scannedPast.get(subscriptionId);
    const readAfter =
      scanned !== undefined && scanned.cursor === state.cursor && scanned.epoch === state.epoch
        ? scanned.to
        : state.cursor;
    const { events, next } = await this.batch(state, readAfter, this.options.webhooks.batchMax);
    if (events.length === 0) {
      if (next !== readAfter) {
        this.scannedPast.set(subscriptionId, {
          cursor: state.cursor,
          epoch: state.epoch,
          to: next,
        });
      }
      return;
    }
    this.scannedPast.delete(subscriptionId);
    const job: DeliveryJob = {
      subscriptionId,
      epoch: state.epoch,
      after: state.cursor,
      readAfter,
      through: (events.at(-1) as FeedEvent).position,
      eventCount: events.length,
      webhookId: webhookIdOf(jobId),
    };
    const owner = state.created.owner;
    await this.jobs.submit(
      webhooksQueue,
      'webhook-delivery',
      job,
      { id: owner.id, role: owner.role, division: owner.division },
      jobId,
    );
  }

  /** Up to `limit` events of the subscription's filter after `after`, as its owner may see them. */
  private async batch(
    state: LiveState,
    after: string,
    limit: number,
  ): Promise<{ events: FeedEvent[]; next: string }> {
    const { owner, scopes, filter } = state.created;
    const events: FeedEvent[] = [];
    let next = after;
    for await (const item of this.reader.page(
      owner,
      scopes,
      {
        after,
        types: filter.types,
        streams: filter.streams,
        division: filter.division,
        divisionAsked: filter.divisionAsked,
        format: 'cloudevents',
        excludedStreams: [subscriptionStreamPrefix],
      },
      limit,
    )) {
      if (item.kind === 'event') events.push(item.event);
      else if (item.next !== null) next = item.next;
    }
    return { events, next };
  }

  /** One try of one delivery: a failed try throws, and the queue tries again later. */
  async deliver(run: JobRun<DeliveryJob>): Promise<DeliveryResult> {
    const job = run.data;
    const streamName = subscriptionStreamName(job.subscriptionId);
    const { state } = await this.subscriptions.load(streamName);
    // Deleted, replayed or delivered meanwhile: this delivery is no longer the next one.
    if (
      !isLiveSubscription(state) ||
      state.status !== 'active' ||
      state.epoch !== job.epoch ||
      state.cursor !== job.after
    ) {
      return { delivered: false, reason: 'superseded' };
    }
    const { events } = await this.batch(state, job.readAfter, job.eventCount);
    if (events.length !== job.eventCount || events.at(-1)?.position !== job.through) {
      // The log is append-only, so this is a bug (or a filter's meaning changed under us).
      throw new Error(
        `the delivery's events could not be read again (${job.readAfter}…${job.through})`,
      );
    }
    const body = `[${events.map((event) => JSON.stringify(cloudEventOf(event, this.options.source))).join(',')}]`;
    const now = new Date();
    const outcome = await deliverWebhook(
      state.created.url,
      { id: job.webhookId, timestamp: now, body, contentType: webhookContentType },
      {
        secrets: signingSecrets(this.webhookKey, state, now),
        allowList: this.options.webhooks.allowedHosts,
        timeoutMs: this.options.webhooks.timeoutMs,
      },
    );
    const delivery = {
      deliveryId: run.id,
      webhookId: job.webhookId,
      epoch: job.epoch,
      after: job.after,
      through: job.through,
      eventCount: job.eventCount,
      attempts: run.attempt,
    };
    const actor = state.created.owner;
    const context = { actor, occurredAt: new Date().toISOString() };
    if (outcome.ok) {
      const command = { type: 'RecordWebhookDelivery' as const, delivery, ...context };
      await this.subscriptions.handle(
        streamName,
        command,
        commandMetadata(command, { commandId: `${run.id}/delivered`, correlationId: run.id }),
      );
      // The next batch goes out at once, not at the next poll: a backlog drains at full speed.
      setImmediate(() => {
        this.pump(job.subscriptionId).catch((error: Error) =>
          this.logger.warn(`webhook pump failed: ${error.message}`),
        );
      });
      return { delivered: true, status: outcome.status };
    }
    if (run.lastAttempt) {
      await this.recordDeadLetter(job, run.id, run.attempt, outcome.error, state);
    }
    throw new Error(outcome.error.slice(0, 500));
  }

  private async recordDeadLetter(
    job: DeliveryJob,
    jobId: string,
    attempts: number,
    lastError: string,
    state: LiveState,
  ): Promise<void> {
    const command = {
      type: 'RecordWebhookDeadLetter' as const,
      delivery: {
        deliveryId: jobId,
        webhookId: job.webhookId,
        epoch: job.epoch,
        after: job.after,
        through: job.through,
        eventCount: job.eventCount,
        attempts,
        lastError: lastError.slice(0, 500),
      },
      actor: state.created.owner,
      occurredAt: new Date().toISOString(),
    };
    await this.subscriptions.handle(
      subscriptionStreamName(job.subscriptionId),
      command,
      commandMetadata(command, { commandId: `${jobId}/dead-lettered`, correlationId: jobId }),
    );
  }
}
