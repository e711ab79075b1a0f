/** What the app tells the integrators' routes (from its configuration). */
export interface IntegratorsOptions {
  /** FEED_HEARTBEAT_MS */
  readonly heartbeatMs: number;
  /** FEED_SLOW_CLIENT_MS */
  readonly slowClientMs: number;
  /** The CloudEvents `source`: the log's origin (SUNLIGHT_LOG_ORIGIN). */
  readonly source: string;
  readonly webhooks: WebhookOptions;
}

/** The webhooks' settings (WEBHOOK_* in the README's configuration table). */
export interface WebhookOptions {
  /** WEBHOOK_ALLOWED_HOSTS: hosts a subscription may name over http or at a private address. */
  readonly allowedHosts: readonly string[];
  /** WEBHOOK_ATTEMPTS: tries of one delivery before it is dead-lettered. */
  readonly attempts: number;
  /** WEBHOOK_BACKOFF_MS: the wait before the second try; it doubles each time, with jitter. */
  readonly backoffMs: number;
  /** WEBHOOK_TIMEOUT_MS: how long a receiver has to answer one try. */
  readonly timeoutMs: number;
  /** WEBHOOK_BATCH_MAX: events one delivery carries at most. */
  readonly batchMax: number;
  /** WEBHOOK_POLL_MS: how often idle subscriptions look for new events. */
  readonly pollMs: number;
  /** WEBHOOK_SECRET_OVERLAP_MS: how long a rotated-out secret keeps signing beside the new one. */
  readonly secretOverlapMs: number;
  /** WEBHOOK_SECRET_KEY, or absent: generated once and kept in `<dataDir>/webhook-key`. */
  readonly secretKey?: string;
  readonly dataDir: string;
  /** RUN_WORKERS: whether this instance sends deliveries. */
  readonly runWorkers: boolean;
}

export const INTEGRATORS_OPTIONS = 'INTEGRATORS_OPTIONS';
