import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { parseProjectStreamName, projectEventTypes, type ProjectEvent } from './domain';

/*
 * The one border between the log and the projects domain: a stored event becomes a typed
 * project event here and nowhere else.
 */

const projectTypes: ReadonlySet<string> = new Set(projectEventTypes);

/** The project event, or undefined for anything else (an unknown newer type is skipped). */
export function projectEventOf(recorded: RecordedEvent): ProjectEvent | undefined {
  const project = parseProjectStreamName(recorded.streamName);
  if (project === undefined || !projectTypes.has(recorded.type)) return undefined;
  // The type is one of the project's, checked above; the data is what its decider wrote.
  const event = { type: recorded.type, data: recorded.data } as unknown as ProjectEvent;
  invariant(
    event.data.projectId === project.projectId,
    `${recorded.type} at ${recorded.position} names ${event.data.projectId} but is in ${recorded.streamName}`,
  );
  return event;
}

/** A project stream's event; anything else in such a stream is a broken invariant. */
export function toProjectEvent(recorded: RecordedEvent): ProjectEvent {
  const event = projectEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a project event`,
  );
  return event;
}
