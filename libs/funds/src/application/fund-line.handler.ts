import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  collectFirst,
  commandMetadata,
  EVENT_STORE,
  toEventView,
  type CommandOutcome,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { invariant, type Actor } from '@sunlight/kernel';
import { appropriateFundsFor, fundStreamName } from '../domain';
import { toFundLineEvent } from '../stored-events';
import { CreateFundLineCommand, RunPoolCommand } from './funds.commands';
import { FUND_LINE_COMMANDS, type FundLineCommands } from './pool-commands';

/**
 * A fund line is two facts on two streams: `FundLineCreated` on the fund, `FundsAppropriated` on
 * its pool. The second is derived from the first; it is written here for an immediate answer and
 * again, idempotently, by the funds processor, so a crash between the two loses nothing.
 */
@CommandHandler(CreateFundLineCommand)
export class CreateFundLineHandler implements ICommandHandler<
  CreateFundLineCommand,
  CommandOutcome
> {
  constructor(
    @Inject(FUND_LINE_COMMANDS) private readonly fundLines: FundLineCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
  ) {}

  async execute({ command, ids }: CreateFundLineCommand): Promise<CommandOutcome> {
    const streamName = fundStreamName(command.fundId);
    const result = await this.fundLines.handle(streamName, command, commandMetadata(command, ids));
    const created =
      result.recorded?.[0] ??
      (await collectFirst(this.store.readStream(streamName, { maxCount: 1 })));
    invariant(created !== undefined, `fund line ${command.fundId} has no events`);
    await this.commands.execute(appropriationOf(created));
    return { replayed: result.events.length === 0, event: toEventView(created) };
  }
}

/** The pool command that credits a fund line's appropriation; idempotent by its derived ids. */
export function appropriationOf(created: RecordedEvent): RunPoolCommand {
  const event = toFundLineEvent(created);
  const actor = created.metadata.actor as Actor;
  const occurredAt = created.metadata.occurredAt as string;
  return new RunPoolCommand(appropriateFundsFor(event, actor, occurredAt), {
    commandId: `appropriate/${created.eventId}`,
    correlationId: (created.metadata.correlationId as string | undefined) ?? created.eventId,
    causationId: created.eventId,
  });
}
