import type { Decider } from '@sunlight/kernel';
import type { PoolCommand } from './commands';
import { decidePool } from './decide';
import type { PoolEvent } from './events';
import { evolvePool } from './evolve';
import { initialPoolState, type PoolState } from './state';

export * from './commands';
export * from './events';
export * from './state';
export * from './snapshot';
export { decidePool } from './decide';
export { evolvePool } from './evolve';
export * from './outcomes';
export * from './claims';

export const poolDecider: Decider<PoolState, PoolCommand, PoolEvent> = {
  initialState: initialPoolState,
  decide: decidePool,
  evolve: evolvePool,
};
