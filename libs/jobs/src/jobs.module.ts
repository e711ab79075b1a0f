import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { JobsController } from './api/jobs.controller';
import { JobQueues, type JobQueuesOptions } from './job-queues';
import { JOB_QUEUES } from './tokens';

export interface JobsModuleOptions {
  readonly queues: JobQueuesOptions;
  /** RUN_WORKERS: whether this instance runs the workers of every defined queue. */
  readonly runWorkers: boolean;
}

const JOBS_MODULE_OPTIONS = 'JOBS_MODULE_OPTIONS';

/**
 * Starts the workers once every context has defined its queues (contexts define them while their
 * modules initialise, before any `onApplicationBootstrap`), and stops them before the stores they
 * write to are closed.
 */
@Injectable()
class JobWorkersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    @Inject(JOBS_MODULE_OPTIONS) private readonly options: JobsModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.runWorkers) return;
    await this.queues.startWorkers();
    this.logger.log(`job workers running on ${this.queues.backendKind}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}

/**
 * BullMQ queues and workers (docs/design.md §2) and `GET /jobs/:id`. Global: every context
 * injects JOB_QUEUES to define its queues and submit jobs. The options come from the app
 * (`inject` names its config and database-access tokens).
 */
@Module({})
export class JobsModule {
  static forRoot(factory: {
    inject: InjectionToken[];
    useFactory: (...args: never[]) => JobsModuleOptions | Promise<JobsModuleOptions>;
  }): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      controllers: [JobsController],
      providers: [
        { provide: JOBS_MODULE_OPTIONS, inject: factory.inject, useFactory: factory.useFactory },
        {
          provide: JOB_QUEUES,
          inject: [JOBS_MODULE_OPTIONS],
          useFactory: (options: JobsModuleOptions) => new JobQueues(options.queues),
        },
        JobWorkersLifecycle,
      ],
      exports: [JOB_QUEUES],
    };
  }
}
