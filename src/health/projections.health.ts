import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ProjectionsSupervisor } from '../read-models/projections.supervisor';

/**
 * Reports each projection's state and lag, on every instance (one that keeps no read models
 * reports those it serves, as `followed`). Lag alone never makes the app unready: the dashboards
 * still answer, with `lastPosition` saying how far they reflect; a projection that is stalled (an
 * event it cannot apply, with its position and the error) or stopped does, so the freeze is seen.
 */
@Injectable()
export class ProjectionsHealthIndicator {
  constructor(
    private readonly projections: ProjectionsSupervisor,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const statuses = await this.projections.statuses();
    const details = Object.fromEntries(
      statuses.map((status) => [
        status.projection,
        {
          state: status.state,
          version: status.version,
          position: status.position ?? null,
          lagEvents: status.lagEvents ?? null,
          lagMs: status.lagMs ?? null,
          ...(status.state === 'stalled' || status.state === 'retrying'
            ? {
                failures: status.failures ?? null,
                failedPosition: status.failedPosition ?? null,
                lastError: status.lastError ?? null,
              }
            : {}),
        },
      ]),
    );
    const failed = statuses.filter(
      (status) =>
        status.state === 'stalled' || status.state === 'stopped' || status.state === 'idle',
    );
    return failed.length === 0 ? indicator.up(details) : indicator.down(details);
  }
}
