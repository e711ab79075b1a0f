import { CloudEvent } from 'cloudevents';
import type { JsonObject, RecordedEvent } from '@sunlight/event-store';
import { maskEventData, maskEventMetadata } from '../domain';

/** An event as the feeds hand it on: the stored envelope, masked as the reader must see it. */
export interface FeedEvent {
  position: string;
  streamName: string;
  revision: string;
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: string;
  /** SHA-256(prevHash ‖ JCS(event)) as the log holds it, lowercase hex. */
  chainHash: string | null;
}

/** The CloudEvents extension attributes that carry the log's facts. */
export const cloudEventExtensions = {
  position: 'position',
  revision: 'revision',
  chainHash: 'chainhash',
} as const;

export function feedEventOf(
  event: RecordedEvent,
  chainHash: string | undefined,
  seesPersonalData: boolean,
): FeedEvent {
  return {
    position: event.position,
    streamName: event.streamName,
    revision: event.revision.toString(),
    eventId: event.eventId,
    type: event.type,
    data: seesPersonalData ? event.data : maskEventData(event.type, event.data),
    metadata: seesPersonalData ? event.metadata : maskEventMetadata(event.metadata),
    recordedAt: event.recordedAt.toISOString(),
    chainHash: chainHash ?? null,
  };
}

/**
 * The event as CloudEvents 1.0 structured JSON: `id` the event id, `source` the log's origin,
 * `subject` the stream, `time` when the log recorded it, `data` the (masked) event data, and the
 * extensions `position`, `revision` and `chainhash` (omitted when the store keeps no chain).
 */
export function cloudEventOf(event: FeedEvent, source: string): Record<string, unknown> {
  return new CloudEvent({
    id: event.eventId,
    source,
    type: event.type,
    subject: event.streamName,
    time: event.recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
    [cloudEventExtensions.position]: event.position,
    [cloudEventExtensions.revision]: event.revision,
    ...(event.chainHash === null ? {} : { [cloudEventExtensions.chainHash]: event.chainHash }),
  }).toJSON();
}
