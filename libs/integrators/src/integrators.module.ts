import { Module, type DynamicModule } from '@nestjs/common';
import { FeedsController } from './api/feeds.controller';
import { INTEGRATORS_OPTIONS, type IntegratorsOptions } from './api/integrators.options';
import { SubscriptionsController } from './api/subscriptions.controller';
import { FeedReader } from './application/feed-reader';
import { subscriptionCommandProviders } from './application/subscription-commands';
import { SubscriptionIndex } from './application/subscription-index';
import { Subscriptions } from './application/subscriptions';
import { WebhookDispatcher } from './application/webhook-dispatcher';
import { resolveWebhookKey, WEBHOOK_KEY } from './application/webhook-secrets';

export type { IntegratorsOptions };
export type { WebhookOptions } from './api/integrators.options';

/**
 * The integrators' context: event feeds (catch-up pages and live SSE) and webhook subscriptions
 * delivered on the jobs' queues. Needs EVENT_STORE, CHAIN_HASHES, DIVISION_REGISTRY, JOB_QUEUES
 * and the AuditModule's StreamAccess from the app.
 */
@Module({})
export class IntegratorsModule {
  static forRoot(options: IntegratorsOptions): DynamicModule {
    return {
      module: IntegratorsModule,
      controllers: [FeedsController, SubscriptionsController],
      providers: [
        { provide: INTEGRATORS_OPTIONS, useValue: options },
        { provide: WEBHOOK_KEY, useFactory: () => resolveWebhookKey(options.webhooks) },
        FeedReader,
        ...subscriptionCommandProviders,
        SubscriptionIndex,
        WebhookDispatcher,
        Subscriptions,
      ],
    };
  }
}

// The OpenAPI schemas of this context's answers, merged into the app's document.
export { integratorsOpenApiSchemas } from './api/feeds.openapi';
