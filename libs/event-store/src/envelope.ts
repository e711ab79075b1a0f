import { randomUUID } from 'node:crypto';
import type { CommandContext } from '@sunlight/kernel';
import type { EventMetadata } from './decider-handler';
import type { JsonObject, RecordedEvent } from './event-store.port';

/** Ids that tie a command's events to the request and to what caused it (docs/design.md §4). */
export interface CommandIds {
  commandId: string;
  correlationId: string;
  causationId?: string;
}

export const eventSchemaVersion = 1;

/** The metadata every event of one command carries (docs/design.md §4). */
export function commandMetadata(
  command: CommandContext,
  ids: CommandIds,
  reason?: string,
): EventMetadata {
  const metadata: EventMetadata = {
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

/** A stored event as the API shows it: bigints as strings, time as ISO 8601. */
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
export interface CommandOutcome {
  /** True when the request repeated an earlier one and nothing new was written. */
  replayed: boolean;
  event: EventView;
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

const headerIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh command id; the correlation id comes from the caller's X-Correlation-Id or X-Request-Id when sane. */
export function commandIdsFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): CommandIds {
  const header = headers['x-correlation-id'] ?? headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  const commandId = randomUUID();
  return {
    commandId,
    correlationId: value !== undefined && headerIdPattern.test(value) ? value : commandId,
  };
}
