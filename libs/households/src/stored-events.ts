import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { householdEventTypes, parseHouseholdStreamName, type HouseholdEvent } from './domain';

/*
 * The one border between the log and the households domain: a stored event becomes a typed
 * household event here and nowhere else. The command handler, the projections and the history
 * routes all read the log through these functions.
 */

const householdTypes: ReadonlySet<string> = new Set(householdEventTypes);

/**
 * The household event, or undefined for anything else. An event type this code does not know
 * yet is skipped rather than refused, so an older projection keeps running beside a newer log.
 */
export function householdEventOf(recorded: RecordedEvent): HouseholdEvent | undefined {
  const household = parseHouseholdStreamName(recorded.streamName);
  if (household === undefined || !householdTypes.has(recorded.type)) return undefined;
  // The type is one of the household's, checked above; the data is what its decider wrote.
  const event = { type: recorded.type, data: recorded.data } as unknown as HouseholdEvent;
  invariant(
    event.data.householdId === household.householdId,
    `${recorded.type} at ${recorded.position} names ${event.data.householdId} but is in ${recorded.streamName}`,
  );
  return event;
}

/** A household stream's event; anything else in such a stream is a broken invariant. */
export function toHouseholdEvent(recorded: RecordedEvent): HouseholdEvent {
  const event = householdEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a household event`,
  );
  return event;
}
