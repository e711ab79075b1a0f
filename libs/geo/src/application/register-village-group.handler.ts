import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  commandMetadata,
  deciderHandler,
  EVENT_STORE,
  toEventView,
  type CommandIds,
  type CommandOutcome,
  type DeciderHandler,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import type { DivisionRegistry } from '../division-registry';
import {
  villageGroupsDecider,
  villageGroupsStreamName,
  type RegisterVillageGroup,
  type VillageGroupCommand,
  type VillageGroupEvent,
  type VillageGroupsState,
} from '../domain';
import { VillageGroupsProjector } from '../projections/village-groups.projector';
import { toVillageGroupEvent } from '../stored-events';
import { DIVISION_REGISTRY } from '../tokens';

/** Registers a village group (村民小组) under a village; the route has checked jurisdiction. */
export class RegisterVillageGroupCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: Omit<RegisterVillageGroup, 'type' | 'villageExists'>,
    readonly ids: CommandIds,
  ) {
    super();
  }
}

export type VillageGroupCommands = DeciderHandler<
  VillageGroupsState,
  VillageGroupCommand,
  VillageGroupEvent
>;
export const VILLAGE_GROUP_COMMANDS = 'VILLAGE_GROUP_COMMANDS';

export function villageGroupCommands(store: EventStore): VillageGroupCommands {
  return deciderHandler(store, {
    decider: villageGroupsDecider,
    toDomainEvent: toVillageGroupEvent,
  });
}

/**
 * Looks up whether the code is a village (reference data the pure decider cannot read), runs the
 * decider, and puts the group into this instance's registry at once so the next request already
 * sees it.
 */
@CommandHandler(RegisterVillageGroupCommand)
export class RegisterVillageGroupHandler implements ICommandHandler<
  RegisterVillageGroupCommand,
  CommandOutcome
> {
  constructor(
    @Inject(VILLAGE_GROUP_COMMANDS) private readonly villageGroups: VillageGroupCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly registry: DivisionRegistry,
    private readonly projector: VillageGroupsProjector,
  ) {}

  async execute({ command, ids }: RegisterVillageGroupCommand): Promise<CommandOutcome> {
    const streamName = villageGroupsStreamName(command.villageCode);
    const villageExists = this.registry.get(command.villageCode)?.level === 'village';
    const result = await this.villageGroups.handle(
      streamName,
      { ...command, type: 'RegisterVillageGroup', villageExists },
      commandMetadata(command, ids),
    );
    const replayed = result.events.length === 0;
    // A new event is in what the store recorded when it says; otherwise it is read back.
    const recorded =
      (replayed ? undefined : result.recorded?.[0]) ??
      (await this.findRegistration(streamName, command.groupNumber));
    invariant(
      recorded !== undefined,
      `${streamName} holds no registration of group ${command.groupNumber}`,
    );
    this.projector.project(recorded);
    return { replayed, event: toEventView(recorded) };
  }

  // A village holds at most villageGroupNumberMax registrations, so reading its stream is bounded.
  private async findRegistration(
    streamName: string,
    groupNumber: number,
  ): Promise<RecordedEvent | undefined> {
    for await (const event of this.store.readStream(streamName)) {
      if (toVillageGroupEvent(event).data.groupNumber === groupNumber) return event;
    }
    return undefined;
  }
}
