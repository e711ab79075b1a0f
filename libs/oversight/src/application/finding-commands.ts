import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
} from '@sunlight/event-store';
import {
  findingDecider,
  type FindingCommand,
  type FindingEvent,
  type FindingState,
} from '../domain';
import { toFindingEvent } from '../stored-events';

export type FindingCommands = DeciderHandler<FindingState, FindingCommand, FindingEvent>;
export const FINDING_COMMANDS = 'FINDING_COMMANDS';

export function findingCommands(store: EventStore): FindingCommands {
  return deciderHandler(store, { decider: findingDecider, toDomainEvent: toFindingEvent });
}

export const findingCommandProviders: Provider[] = [
  { provide: FINDING_COMMANDS, inject: [EVENT_STORE], useFactory: findingCommands },
];
