import { Inject, Injectable } from '@nestjs/common';
import {
  collectFirst,
  commandIdsFromHeaders,
  commandMetadata,
  EVENT_STORE,
  handleCommand,
  toEventView,
  type CommandIds,
  type EventStore,
  type EventView,
  type RecordedEvent,
} from '@sunlight/event-store';
import type { DivisionRegistry } from '@sunlight/geo';
import {
  villageGroupsDecider,
  villageGroupsStreamName,
  type RegisterVillageGroup,
  type VillageGroupRegistered,
} from '@sunlight/geo';
import { DIVISION_REGISTRY } from './geo.tokens';
import { VillageGroupsProjector } from './village-groups.projector';

export interface RegisterVillageGroupOutcome {
  /** True when the request repeated an earlier one and nothing new was written. */
  replayed: boolean;
  event: EventView;
}

/**
 * Registers a village group: looks up whether the code is a village (reference data the pure
 * decider cannot read), runs the decider through `handleCommand`, and puts the group into this
 * instance's registry at once so the next request already sees it.
 */
@Injectable()
export class RegisterVillageGroupHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly registry: DivisionRegistry,
    private readonly projector: VillageGroupsProjector,
  ) {}

  async execute(
    command: Omit<RegisterVillageGroup, 'type' | 'villageExists'>,
    ids: CommandIds,
  ): Promise<RegisterVillageGroupOutcome> {
    const streamName = villageGroupsStreamName(command.villageCode);
    const result = await handleCommand({
      store: this.store,
      decider: villageGroupsDecider,
      streamName,
      command: {
        ...command,
        type: 'RegisterVillageGroup',
        villageExists: this.registry.get(command.villageCode)?.level === 'village',
      },
      metadata: commandMetadata(command, ids),
    });
    const replayed = result.events.length === 0;
    const recorded = replayed
      ? await this.findRegistration(streamName, command.groupNumber)
      : await collectFirst(
          this.store.readStream(streamName, { fromRevision: result.revision, maxCount: 1 }),
        );
    if (recorded === undefined)
      throw new Error(
        `invariant: ${streamName} holds no registration of group ${command.groupNumber}`,
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
      if ((event.data as unknown as VillageGroupRegistered['data']).groupNumber === groupNumber)
        return event;
    }
    return undefined;
  }
}

/** Request headers a client may send to tie its commands together (X-Correlation-Id, X-Request-Id). */
export interface CommandRequest {
  headers: Record<string, string | string[] | undefined>;
}

export function commandIdsOf(request: CommandRequest): CommandIds {
  return commandIdsFromHeaders(request.headers);
}
