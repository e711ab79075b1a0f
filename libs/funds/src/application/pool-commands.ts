import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  SNAPSHOT_STORE,
  type DeciderHandler,
  type EventStore,
  type SnapshotStore,
} from '@sunlight/event-store';
import {
  fundLineDecider,
  poolDecider,
  poolEventClaims,
  poolSnapshotSchemaVersion,
  poolStateFromSnapshot,
  poolStateToSnapshot,
  type FundLineCommand,
  type FundLineEvent,
  type FundLineState,
  type PoolCommand,
  type PoolEvent,
  type PoolState,
} from '../domain';
import { toFundLineEvent, toPoolEvent } from '../stored-events';

/** Pools whose folded state this process keeps in memory. */
export const poolStateCacheEntriesMax = 2_000;
/** A pool snapshot is taken every this many events. */
export const poolSnapshotEveryEvents = 1_000;

export type PoolCommands = DeciderHandler<PoolState, PoolCommand, PoolEvent>;
export type FundLineCommands = DeciderHandler<FundLineState, FundLineCommand, FundLineEvent>;

export const POOL_COMMANDS = 'POOL_COMMANDS';
export const FUND_LINE_COMMANDS = 'FUND_LINE_COMMANDS';

/** The pool decider's handler, configured once: cache, snapshots, the typed border. */
export function poolCommands(store: EventStore, snapshotStore: SnapshotStore): PoolCommands {
  return deciderHandler(store, {
    decider: poolDecider,
    toDomainEvent: toPoolEvent,
    claimsOf: poolEventClaims,
    cacheEntriesMax: poolStateCacheEntriesMax,
    snapshots: {
      store: snapshotStore,
      schemaVersion: poolSnapshotSchemaVersion,
      everyEvents: poolSnapshotEveryEvents,
      toJson: (state) => ({ ...poolStateToSnapshot(state) }),
      fromJson: (json) => poolStateFromSnapshot(json),
    },
  });
}

export function fundLineCommands(store: EventStore): FundLineCommands {
  return deciderHandler(store, { decider: fundLineDecider, toDomainEvent: toFundLineEvent });
}

export const deciderHandlerProviders: Provider[] = [
  {
    provide: POOL_COMMANDS,
    inject: [EVENT_STORE, SNAPSHOT_STORE],
    useFactory: poolCommands,
  },
  { provide: FUND_LINE_COMMANDS, inject: [EVENT_STORE], useFactory: fundLineCommands },
];
