import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { LogKey } from '@sunlight/keys';
import { LogIntegrator, type IntegratorStatus } from '../log-integrator';
import {
  INTEGRATOR_TREE_STORE,
  LOG_KEY,
  TRANSPARENCY_CONFIG,
  type TransparencyConfig,
} from '../tokens';
import type { TreeStore } from '../tree-store.port';

export interface TreeLag {
  treeSize: number;
  logSize: number;
  lagEvents: number;
  /** How long the oldest event not yet in the tree has waited; 0 when caught up. */
  lagMs: number;
}

/** Runs the LogIntegrator on the instances that follow the log (RUN_PROCESSORS), until shutdown. */
@Injectable()
export class IntegratorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LogIntegrator');
  private readonly integrator: LogIntegrator;
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    @Inject(INTEGRATOR_TREE_STORE) private readonly tree: TreeStore,
    @Inject(LOG_KEY) logKey: LogKey,
    @Inject(TRANSPARENCY_CONFIG) private readonly config: TransparencyConfig,
  ) {
    this.integrator = new LogIntegrator(tree, {
      origin: config.origin,
      signer: logKey.signer,
      checkpointEveryEvents: config.checkpointEveryEvents,
      checkpointIntervalMs: config.checkpointIntervalMs,
      onError: (error) =>
        this.logger.error(
          `the Merkle tree cannot follow the log: ${error instanceof Error ? error.message : String(error)}`,
        ),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.runIntegrator) return;
    this.running = this.integrator.run(this.stop.signal);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  status(): IntegratorStatus | undefined {
    return this.config.runIntegrator ? this.integrator.status() : undefined;
  }

  async lag(now = new Date()): Promise<TreeLag> {
    const [treeSize, logSize, oldest] = await Promise.all([
      this.tree.treeSize(),
      this.tree.logSize(),
      this.tree.oldestPendingAt(),
    ]);
    return {
      treeSize,
      logSize,
      lagEvents: Math.max(0, logSize - treeSize),
      lagMs: oldest === undefined ? 0 : Math.max(0, now.getTime() - oldest.getTime()),
    };
  }
}
