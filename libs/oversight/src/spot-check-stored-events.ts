import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { spotCheckCategory, spotCheckEventTypes, type SpotCheckEvent } from './domain';

/* The one border between the log and the spot-check domain. */

const spotCheckTypes: ReadonlySet<string> = new Set(spotCheckEventTypes);

export function toSpotCheckEvent(recorded: RecordedEvent): SpotCheckEvent {
  invariant(
    recorded.streamName.startsWith(`${spotCheckCategory}-`) && spotCheckTypes.has(recorded.type),
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a spot-check event`,
  );
  // The type is one of the spot check's, checked above; the data is what its decider wrote.
  return { type: recorded.type, data: recorded.data } as unknown as SpotCheckEvent;
}
