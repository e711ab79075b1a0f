import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../common/with-timeout';
import { EVENT_STORE, SNAPSHOT_STORE, type EventStoreProbe } from '@sunlight/event-store';
import { ProjectionsSupervisor } from '../read-models/projections.supervisor';
import { IntegratorService } from '@sunlight/transparency/transparency.module';
import { registerTreeGauges } from './tree-metrics';

// A scrape must answer even when PostgreSQL does not; the gauge is then simply absent.
export const headPositionTimeoutMs = 2_000;

/**
 * One registry per app instance rather than prom-client's global one, so several apps in one
 * process (the e2e tests) never collide on metric names.
 */
@Injectable()
export class MetricsRegistry {
  private readonly logger = new Logger(MetricsRegistry.name);
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    @Inject(EVENT_STORE) store: EventStoreProbe,
    projections: ProjectionsSupervisor,
    @Inject(SNAPSHOT_STORE) snapshots: { rejectedCount?: number },
    integrator: IntegratorService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    const logger = this.logger;
    new Gauge({
      name: 'sunlight_event_store_head_position',
      help: 'Global position of the last event in the log (0 when empty), read at scrape time',
      registers: [this.registry],
      async collect() {
        try {
          const head = await withTimeout(
            store.headPosition(),
            headPositionTimeoutMs,
            'event store head',
          );
          this.set(head === undefined ? 0 : Number(BigInt(head)));
        } catch (error) {
          this.reset();
          logger.warn(
            `Could not read the event store head: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
    });
    new Gauge({
      name: 'sunlight_snapshots_rejected',
      help: 'Snapshots refused at load since start (seal missing or wrong, or taken of another event); each stream folded from the log instead',
      registers: [this.registry],
      collect() {
        this.set(snapshots.rejectedCount ?? 0);
      },
    });
    this.registerProjectionGauges(projections);
    registerTreeGauges(this.registry, integrator);
  }

  private registerProjectionGauges(projections: ProjectionsSupervisor): void {
    const statuses = () => projections.statuses().catch(() => []);
    new Gauge({
      name: 'sunlight_projection_lag_events',
      help: 'Events between the log head and what each projection has applied',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const status of await statuses())
          if (status.lagEvents !== undefined)
            this.set({ projection: status.projection }, status.lagEvents);
      },
    });
    new Gauge({
      name: 'sunlight_projection_lag_ms',
      help: 'Age of the last event a projection applied while it is behind; 0 when caught up',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const status of await statuses())
          if (status.lagMs !== undefined) this.set({ projection: status.projection }, status.lagMs);
      },
    });
    new Gauge({
      name: 'sunlight_projection_state',
      help: 'Each projection in its current state (1): catchingUp, live, retrying, stalled, stopped, followed …',
      labelNames: ['projection', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const status of await statuses())
          this.set({ projection: status.projection, state: status.state }, 1);
      },
    });
    new Gauge({
      name: 'sunlight_projection_failed_position',
      help: 'While a projection is retrying or stalled: the log position of the event it cannot apply',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const status of await statuses())
          if (status.failedPosition !== undefined && /^\d+$/.test(status.failedPosition))
            this.set({ projection: status.projection }, Number(status.failedPosition));
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
