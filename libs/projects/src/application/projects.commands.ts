import { Command } from '@nestjs/cqrs';
import type { CommandIds, CommandOutcome } from '@sunlight/event-store';
import type { ProjectCommand } from '../domain';

/** Any command on one project's stream; the route has checked the caller's jurisdiction. */
export class RunProjectCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: ProjectCommand,
    readonly ids: CommandIds,
  ) {
    super();
  }
}
