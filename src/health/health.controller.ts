import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '@sunlight/auth';
import { EventStoreHealthIndicator } from './event-store.health';
import { HealthCheckFailureFilter } from './health-check-failure.filter';
import { ProjectionsHealthIndicator } from './projections.health';

@ApiTags('operations')
@Public()
@Controller('health')
@UseFilters(HealthCheckFailureFilter)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly projections: ProjectionsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: 200 when the event store answers and every projection runs (with its lag), 503 otherwise',
  })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.eventStore.check('eventStore'),
      () => this.projections.check('projections'),
    ]);
  }
}
