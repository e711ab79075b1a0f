import { Gauge, type Registry } from 'prom-client';
import type { IntegratorService } from '@sunlight/transparency/transparency.module';
import { withTimeout } from '../common/with-timeout';

const lagTimeoutMs = 2_000;

/**
 * How far the Merkle tree trails the log (it follows it after the appends, never under their
 * lock), and whether this instance's integrator is failing. Read at scrape time; absent when the
 * database does not answer in time.
 */
export function registerTreeGauges(registry: Registry, integrator: IntegratorService): void {
  const lag = () => withTimeout(integrator.lag(), lagTimeoutMs, 'Merkle tree lag');
  new Gauge({
    name: 'sunlight_merkle_tree_size',
    help: 'Leaves in the Merkle tree over the log: the position of the last event integrated',
    registers: [registry],
    async collect() {
      try {
        this.set((await lag()).treeSize);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: 'sunlight_merkle_lag_events',
    help: 'Events in the log not yet in the Merkle tree',
    registers: [registry],
    async collect() {
      try {
        this.set((await lag()).lagEvents);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: 'sunlight_merkle_lag_ms',
    help: 'How long the oldest event not yet in the Merkle tree has waited; 0 when the tree is caught up',
    registers: [registry],
    async collect() {
      try {
        this.set((await lag()).lagMs);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: 'sunlight_merkle_integrator_failures',
    help: "Consecutive failed steps of this instance's Merkle integrator (absent where it does not run)",
    registers: [registry],
    collect() {
      const status = integrator.status();
      if (status === undefined) this.reset();
      else this.set(status.consecutiveFailures);
    },
  });
}
