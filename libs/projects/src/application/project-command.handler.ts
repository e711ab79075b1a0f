import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  commandMetadata,
  EVENT_STORE,
  toEventView,
  type CommandOutcome,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { isOutcomeOf, projectStreamName, type ProjectCommand } from '../domain';
import { toProjectEvent } from '../stored-events';
import { PROJECT_COMMANDS, type ProjectCommands } from './project-commands';
import { RunProjectCommand } from './projects.commands';

/**
 * Runs a project command through the project decider and answers with the event that records
 * its outcome: the one just written, or for a repeated request the one written the first time.
 */
@CommandHandler(RunProjectCommand)
export class ProjectCommandHandler implements ICommandHandler<RunProjectCommand, CommandOutcome> {
  constructor(
    @Inject(PROJECT_COMMANDS) private readonly projects: ProjectCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ command, ids }: RunProjectCommand): Promise<CommandOutcome> {
    const streamName = projectStreamName(command.projectId);
    const reason = command.type === 'SuspendProject' ? command.reasons.join('; ') : undefined;
    const result = await this.projects.handle(
      streamName,
      command,
      commandMetadata(command, ids, reason),
    );
    const written = result.recorded?.at(-1);
    const event =
      result.events.length > 0 && written !== undefined
        ? written
        : await this.firstOutcome(streamName, command);
    invariant(event !== undefined, `${streamName} holds no outcome of ${command.type}`);
    return { replayed: result.events.length === 0, event: toEventView(event) };
  }

  /** A project's stream is short (its steps and photos), so a repeat's answer is found by reading it. */
  private async firstOutcome(
    streamName: string,
    command: ProjectCommand,
  ): Promise<RecordedEvent | undefined> {
    let found: RecordedEvent | undefined;
    for await (const recorded of this.store.readStream(streamName)) {
      if (isOutcomeOf(command, toProjectEvent(recorded))) found = recorded;
    }
    return found;
  }
}
