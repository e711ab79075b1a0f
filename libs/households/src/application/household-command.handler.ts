import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isWithinJurisdiction } from '@sunlight/auth';
import {
  ClaimTakenError,
  commandMetadata,
  EVENT_STORE,
  toEventView,
  type CommandOutcome,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { invariant, type Actor } from '@sunlight/kernel';
import {
  householdStreamName,
  isOutcomeOf,
  parseHouseholdStreamName,
  PersonInAnotherHouseholdError,
  personClaimPrefix,
  type HouseholdCommand,
} from '../domain';
import { toHouseholdEvent } from '../stored-events';
import { HOUSEHOLD_COMMANDS, type HouseholdCommands } from './household-commands';
import { RunHouseholdCommand } from './households.commands';

/**
 * Runs a household command through the household decider and answers with the event that
 * records its outcome: the one just written, or for a repeated request the one written the first
 * time. A person already active in another household is refused by the store inside the append
 * (the `person:` claim), so two households racing to add one person cannot both win; the answer
 * names the other household only when it lies inside the caller's jurisdiction.
 */
@CommandHandler(RunHouseholdCommand)
export class HouseholdCommandHandler implements ICommandHandler<
  RunHouseholdCommand,
  CommandOutcome
> {
  constructor(
    @Inject(HOUSEHOLD_COMMANDS) private readonly households: HouseholdCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  async execute({ command, ids }: RunHouseholdCommand): Promise<CommandOutcome> {
    const streamName = householdStreamName(command.householdId);
    const reason =
      command.type === 'RemoveMember'
        ? command.reason
        : command.type === 'ReturnToPoverty'
          ? command.cause
          : undefined;
    let result;
    try {
      result = await this.households.handle(
        streamName,
        command,
        commandMetadata(command, ids, reason),
      );
    } catch (error) {
      if (error instanceof ClaimTakenError && error.key.startsWith(personClaimPrefix)) {
        throw new PersonInAnotherHouseholdError(this.visibleHolder(command.actor, error.heldBy));
      }
      throw error;
    }
    // A registration that carries members answers with its HouseholdRegistered, not the last
    // MemberAdded; every other command writes its outcome last.
    const written =
      command.type === 'RegisterHousehold'
        ? result.recorded?.find((recorded) => isOutcomeOf(command, toHouseholdEvent(recorded)))
        : result.recorded?.at(-1);
    const event =
      result.events.length > 0 && written !== undefined
        ? written
        : await this.firstOutcome(streamName, command);
    invariant(event !== undefined, `${streamName} holds no outcome of ${command.type}`);
    return { replayed: result.events.length === 0, event: toEventView(event) };
  }

  /** The holder's household id when the caller may see its village; otherwise nothing. */
  private visibleHolder(actor: Actor, holderStream: string): string | undefined {
    const holder = parseHouseholdStreamName(holderStream);
    if (holder === undefined) return undefined;
    return isWithinJurisdiction(actor, holder.villageCode, this.divisions)
      ? holder.householdId
      : undefined;
  }

  /** A household's stream is short (tens of events), so a repeat's answer is found by reading it. */
  private async firstOutcome(
    streamName: string,
    command: HouseholdCommand,
  ): Promise<RecordedEvent | undefined> {
    let found: RecordedEvent | undefined;
    for await (const recorded of this.store.readStream(streamName)) {
      if (isOutcomeOf(command, toHouseholdEvent(recorded))) found = recorded;
    }
    return found;
  }
}
