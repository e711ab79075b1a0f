import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventStoreHealthIndicator } from './event-store.health';
import { HealthController } from './health.controller';
import { ProjectionsHealthIndicator } from './projections.health';

@Module({
  // Terminus would log each failed check through its own console logger; the 503 says enough.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [EventStoreHealthIndicator, ProjectionsHealthIndicator],
})
export class HealthModule {}
