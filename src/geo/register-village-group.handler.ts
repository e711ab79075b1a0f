import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { collectFirst, EVENT_STORE, handleCommand, type EventStore, type JsonObject, type RecordedEvent } from '@sunlight/event-store';
import type { DivisionRegistry } from '@sunlight/geo';
import {
  villageGroupsDecider,
  villageGroupsStreamName,
  type RegisterVillageGroup,
  type VillageGroupRegistered,
} from '@sunlight/geo';
import { DIVISION_REGISTRY } from './geo.tokens';
import { VillageGroupsProjector } from './village-groups.projector';

export const eventSchemaVersion = 1;

/** Ids that tie a command's events to the request (DESIGN.md §4). */
export interface CommandIds {
  commandId: string;
  correlationId: string;
}

/** A stored event as the API shows it. */
export interface EventView {
  streamName: string;
  revision: string;
  position: string;
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: string;
}

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

  async execute(command: Omit<RegisterVillageGroup, 'type' | 'villageExists'>, ids: CommandIds): Promise<RegisterVillageGroupOutcome> {
    const streamName = villageGroupsStreamName(command.villageCode);
    const result = await handleCommand({
      store: this.store,
      decider: villageGroupsDecider,
      streamName,
      command: { ...command, type: 'RegisterVillageGroup', villageExists: this.registry.get(command.villageCode)?.level === 'village' },
      metadata: {
        actor: { id: command.actor.id, role: command.actor.role, division: command.actor.division },
        occurredAt: command.occurredAt,
        commandId: ids.commandId,
        correlationId: ids.correlationId,
        causationId: ids.commandId,
        schemaVersion: eventSchemaVersion,
      },
    });
    const replayed = result.events.length === 0;
    const recorded = replayed
      ? await this.findRegistration(streamName, command.groupNumber)
      : await collectFirst(this.store.readStream(streamName, { fromRevision: result.revision, maxCount: 1 }));
    if (recorded === undefined) throw new Error(`invariant: ${streamName} holds no registration of group ${command.groupNumber}`);
    this.projector.project(recorded);
    return { replayed, event: toEventView(recorded) };
  }

  // A village holds at most villageGroupNumberMax registrations, so reading its stream is bounded.
  private async findRegistration(streamName: string, groupNumber: number): Promise<RecordedEvent | undefined> {
    for await (const event of this.store.readStream(streamName)) {
      if ((event.data as unknown as VillageGroupRegistered['data']).groupNumber === groupNumber) return event;
    }
    return undefined;
  }
}

export function toEventView(event: RecordedEvent): EventView {
  return {
    streamName: event.streamName,
    revision: event.revision.toString(),
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
}

/** Request headers a client may send to tie its commands together (X-Correlation-Id, X-Request-Id). */
export interface CommandRequest {
  headers: Record<string, string | string[] | undefined>;
}

const headerIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh command id; the correlation id comes from the caller when it sent a sane one. */
export function commandIdsOf(request: CommandRequest): CommandIds {
  const header = request.headers['x-correlation-id'] ?? request.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  const commandId = randomUUID();
  return { commandId, correlationId: value !== undefined && headerIdPattern.test(value) ? value : commandId };
}
