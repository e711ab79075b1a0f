import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { rosterEventTypes, type RosterEvent } from './domain';

/* The one border between the log and the rosters domain. */

const rosterTypes: ReadonlySet<string> = new Set(rosterEventTypes);

export function rosterEventOf(recorded: RecordedEvent): RosterEvent | undefined {
  if (!recorded.streamName.startsWith('roster-') || !rosterTypes.has(recorded.type)) {
    return undefined;
  }
  // The type is one of the roster's, checked above; the data is what the roster's decider wrote.
  return { type: recorded.type, data: recorded.data } as unknown as RosterEvent;
}

export function toRosterEvent(recorded: RecordedEvent): RosterEvent {
  const event = rosterEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a roster event`,
  );
  return event;
}
