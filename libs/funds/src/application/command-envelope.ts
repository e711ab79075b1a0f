import type { JsonObject } from '@sunlight/event-store';
import type { Actor } from '../domain';

/** Ids that tie a command's events to the request and to what caused it (DESIGN.md §4). */
export interface CommandIds {
  commandId: string;
  correlationId: string;
  causationId?: string;
}

export const eventSchemaVersion = 1;

/** The metadata every event of one command carries. */
export function commandMetadata(
  command: { actor: Actor; occurredAt: string },
  ids: CommandIds,
  reason?: string,
): JsonObject & { commandId: string } {
  const metadata: JsonObject & { commandId: string } = {
    actor: { id: command.actor.id, role: command.actor.role, division: command.actor.division },
    occurredAt: command.occurredAt,
    commandId: ids.commandId,
    correlationId: ids.correlationId,
    causationId: ids.causationId ?? ids.commandId,
    schemaVersion: eventSchemaVersion,
  };
  if (reason !== undefined) metadata.reason = reason;
  return metadata;
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

/** What a command answers: the event that records its outcome, and whether it was written just now. */
export interface TransferOutcome {
  /** True when the request repeated an earlier one and nothing new was written. */
  replayed: boolean;
  event: EventView;
}
