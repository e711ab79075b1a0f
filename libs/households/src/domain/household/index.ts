import type { Decider } from '@sunlight/kernel';
import type { HouseholdCommand } from './commands';
import { decideHousehold } from './decide';
import type { HouseholdEvent } from './events';
import { evolveHousehold } from './evolve';
import { initialHouseholdState, type HouseholdState } from './state';

export * from './commands';
export * from './events';
export * from './state';
export * from './claims';
export * from './income';
export * from './outcomes';
export * from './exit-errors';
export { decideHousehold } from './decide';
export { evolveHousehold } from './evolve';

export const householdDecider: Decider<HouseholdState, HouseholdCommand, HouseholdEvent> = {
  initialState: initialHouseholdState,
  decide: decideHousehold,
  evolve: evolveHousehold,
};
