import { Command } from '@nestjs/cqrs';
import type { CommandIds, CommandOutcome } from '@sunlight/event-store';
import type { HouseholdCommand } from '../domain';

/** Any command on one household's stream; the route has checked the caller's jurisdiction. */
export class RunHouseholdCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: HouseholdCommand,
    readonly ids: CommandIds,
  ) {
    super();
  }
}
