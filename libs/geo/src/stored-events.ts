import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import {
  villageGroupRegisteredType,
  villageGroupsStreamCategory,
  type VillageGroupEvent,
} from './domain';

/**
 * The one border between the log and the village-group domain: a stored event becomes a typed
 * village-group event here and nowhere else.
 */
export function villageGroupEventOf(recorded: RecordedEvent): VillageGroupEvent | undefined {
  if (
    !recorded.streamName.startsWith(`${villageGroupsStreamCategory}-`) ||
    recorded.type !== villageGroupRegisteredType
  ) {
    return undefined;
  }
  return { type: recorded.type, data: recorded.data } as unknown as VillageGroupEvent;
}

export function toVillageGroupEvent(recorded: RecordedEvent): VillageGroupEvent {
  const event = villageGroupEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a village group event`,
  );
  return event;
}
