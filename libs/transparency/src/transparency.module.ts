import { Global, Module } from '@nestjs/common';
import { LogController } from './api/log.controller';
import { IntegratorService } from './application/integrator.service';
import { LogQueries } from './application/log-queries';

export { IntegratorService } from './application/integrator.service';

/**
 * The log's Merkle tree, checkpoints and proofs over HTTP, and the integrator that keeps them.
 * Needs from the app: TREE_STORE, INTEGRATOR_TREE_STORE, LOG_KEY, TRANSPARENCY_CONFIG, and the
 * audit module's StreamAccess.
 */
// Global: /metrics reads the integrator's lag.
@Global()
@Module({
  controllers: [LogController],
  providers: [LogQueries, IntegratorService],
  exports: [IntegratorService],
})
export class TransparencyModule {}
