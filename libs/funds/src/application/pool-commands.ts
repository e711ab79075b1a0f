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
/** A pool snapshot is taken every this many events, or more (below). */
export const poolSnapshotEveryEvents = 1_000;
/**
 * Past 4,000 transfers, a pool's snapshot waits for a quarter of its transfers in new events: a
 * snapshot writes every transfer, so at a fixed 1,000 a 100,000-line roster's approval wrote 100
 * snapshots of up to 100,000 transfers each (most of the approval's CPU); a cold load replays at
 * most that quarter after the snapshot.
 */
export const poolSnapshotTailShare = 0.25;

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
      eventsBetweenMin: (state) => Math.floor(state.transfers.size * poolSnapshotTailShare),
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
