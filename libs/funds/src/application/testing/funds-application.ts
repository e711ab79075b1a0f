import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import {
  EVENT_STORE,
  PROCESSOR_CHECKPOINTS,
  RUN_PROCESSORS,
  SNAPSHOT_STORE,
  CLAIM_INDEX,
  type CommandIds,
  type CommandOutcome,
} from '@sunlight/event-store';
import {
  PostgresEventStore,
  PostgresProcessorCheckpoints,
  PostgresSnapshotStore,
  PostgresClaimIndex,
  projectorRoleName,
} from '@sunlight/event-store/postgres';
import { DIVISION_REGISTRY, loadDivisionRegistry } from '@sunlight/geo';
import type { CreateFundLine, PoolCommand, PoolState } from '../../domain';
import { FundsApplicationModule } from '../../funds-application.module';
import { FundsProcessor } from '../funds.processor';
import { CreateFundLineCommand, RunPoolCommand } from '../funds.commands';
import { FundsQueries } from '../funds.queries';

/**
 * The funds application layer as the app wires it (CommandBus, handlers, processor), on a real
 * PostgreSQL store and without HTTP, for contract tests of the ledger.
 */
/** Snapshots in these tests are sealed with a fixed key, as an installation seals with its own. */
export const testSnapshotKey = 'funds-application-test-snapshot-key'.padEnd(48, 'k');

export interface FundsApplication {
  run(command: PoolCommand, ids: CommandIds): Promise<CommandOutcome>;
  createFundLine(command: CreateFundLine, ids: CommandIds): Promise<CommandOutcome>;
  poolState(
    fundId: string,
    divisionCode: string,
  ): Promise<{ state: PoolState; revision: bigint | undefined }>;
  readonly processor: FundsProcessor;
  /** Stops the processor and the module; the store stays open. */
  close(): Promise<void>;
}

export async function startFundsApplication(
  store: PostgresEventStore,
  options: { runProcessors?: boolean } = {},
): Promise<FundsApplication> {
  // As in the app, processors keep their checkpoints as the projections' role, which alone may.
  const processors = await PostgresEventStore.open({
    connectionString: store.pool.options.connectionString as string,
    role: projectorRoleName,
    migrate: false,
    poolSize: 2,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      CqrsModule.forRoot(),
      storeModule(store, processors, options.runProcessors ?? true),
      FundsApplicationModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const commands = app.get(CommandBus);
  const queries = app.get(FundsQueries);
  return {
    run: (command, ids) => commands.execute(new RunPoolCommand(command, ids)),
    createFundLine: (command, ids) => commands.execute(new CreateFundLineCommand(command, ids)),
    poolState: (fundId, divisionCode) => queries.poolState(fundId, divisionCode),
    processor: app.get(FundsProcessor),
    close: async () => {
      try {
        await app.close();
      } finally {
        await processors.close();
      }
    },
  };
}

function storeModule(
  store: PostgresEventStore,
  processors: PostgresEventStore,
  runProcessors: boolean,
): DynamicModule {
  @Global()
  @Module({})
  class TestStoreModule {}
  const providers = [
    { provide: EVENT_STORE, useValue: store },
    {
      provide: SNAPSHOT_STORE,
      useValue: new PostgresSnapshotStore(store.pool, { sealKey: testSnapshotKey }),
    },
    {
      provide: PROCESSOR_CHECKPOINTS,
      useValue: new PostgresProcessorCheckpoints(processors.pool),
    },
    { provide: CLAIM_INDEX, useValue: new PostgresClaimIndex(store.pool) },
    { provide: DIVISION_REGISTRY, useValue: loadDivisionRegistry() },
    { provide: RUN_PROCESSORS, useValue: runProcessors },
  ];
  return { module: TestStoreModule, providers, exports: providers.map((p) => p.provide) };
}
