import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
} from '@sunlight/event-store';
import {
  householdDecider,
  householdEventClaims,
  type HouseholdCommand,
  type HouseholdEvent,
  type HouseholdState,
} from '../domain';
import { toHouseholdEvent } from '../stored-events';

/** Households whose folded state this process keeps in memory (a village clerk's working set). */
export const householdStateCacheEntriesMax = 5_000;

export type HouseholdCommands = DeciderHandler<HouseholdState, HouseholdCommand, HouseholdEvent>;
export const HOUSEHOLD_COMMANDS = 'HOUSEHOLD_COMMANDS';

/** The household decider's handler, configured once: the typed border, the person claims, a cache. */
export function householdCommands(store: EventStore): HouseholdCommands {
  return deciderHandler(store, {
    decider: householdDecider,
    toDomainEvent: toHouseholdEvent,
    claimsOf: householdEventClaims,
    cacheEntriesMax: householdStateCacheEntriesMax,
    // A registration names a household id the client chose: nearly always a new stream, so it
    // is not read first (a repeat or a taken id is then decided on the stream as usual).
    startsStream: (command) => command.type === 'RegisterHousehold',
  });
}

export const householdCommandsProvider: Provider = {
  provide: HOUSEHOLD_COMMANDS,
  inject: [EVENT_STORE],
  useFactory: householdCommands,
};
