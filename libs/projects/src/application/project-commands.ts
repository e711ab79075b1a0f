import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
} from '@sunlight/event-store';
import {
  projectDecider,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from '../domain';
import { toProjectEvent } from '../stored-events';

/** Projects whose folded state this process keeps in memory. */
export const projectStateCacheEntriesMax = 2_000;

export type ProjectCommands = DeciderHandler<ProjectState, ProjectCommand, ProjectEvent>;
export const PROJECT_COMMANDS = 'PROJECT_COMMANDS';

/** The project decider's handler, configured once: the typed border and a state cache. */
export function projectCommands(store: EventStore): ProjectCommands {
  return deciderHandler(store, {
    decider: projectDecider,
    toDomainEvent: toProjectEvent,
    cacheEntriesMax: projectStateCacheEntriesMax,
  });
}

export const projectCommandsProvider: Provider = {
  provide: PROJECT_COMMANDS,
  inject: [EVENT_STORE],
  useFactory: projectCommands,
};
