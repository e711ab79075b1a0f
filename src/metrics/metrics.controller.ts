import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '@sunlight/auth';
import { MetricsRegistry } from './metrics.registry';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'Every metric, in the Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
