import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import {
  findingCategory,
  findingEventTypes,
  registrySnapshotCategory,
  registrySnapshotEventTypes,
  type FindingEvent,
  type RegistrySnapshotEvent,
} from './domain';

/* The one border between the log and the oversight domain. */

const snapshotTypes: ReadonlySet<string> = new Set(registrySnapshotEventTypes);
const findingTypes: ReadonlySet<string> = new Set(findingEventTypes);

export function toRegistrySnapshotEvent(recorded: RecordedEvent): RegistrySnapshotEvent {
  invariant(
    recorded.streamName.startsWith(`${registrySnapshotCategory}-`) &&
      snapshotTypes.has(recorded.type),
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a registry snapshot event`,
  );
  // The type is one of the snapshot's, checked above; the data is what its decider wrote.
  return { type: recorded.type, data: recorded.data } as unknown as RegistrySnapshotEvent;
}

export function findingEventOf(recorded: RecordedEvent): FindingEvent | undefined {
  if (!recorded.streamName.startsWith(`${findingCategory}-`) || !findingTypes.has(recorded.type))
    return undefined;
  // The type is one of the finding's, checked above; the data is what its decider wrote.
  return { type: recorded.type, data: recorded.data } as unknown as FindingEvent;
}

export function toFindingEvent(recorded: RecordedEvent): FindingEvent {
  const event = findingEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a finding event`,
  );
  return event;
}
