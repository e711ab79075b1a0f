import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout';
import { EVENT_STORE, type EventStoreProbe } from '@sunlight/event-store';

// A probe that hangs is worse than one that fails: orchestrators time out and restart blindly.
export const eventStorePingTimeoutMs = 2_000;

@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStoreProbe,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(this.store.ping(), eventStorePingTimeoutMs, 'event store ping');
      const headPosition = await withTimeout(
        this.store.headPosition(),
        eventStorePingTimeoutMs,
        'event store head',
      );
      return indicator.up({ headPosition: headPosition ?? null });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
