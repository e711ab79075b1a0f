import type { RecordedEvent } from '@sunlight/event-store';
import type { EventView } from './command-envelope';

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
