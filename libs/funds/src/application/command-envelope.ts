import type { EventView } from '@sunlight/event-store';

export {
  commandMetadata,
  eventSchemaVersion,
  type CommandIds,
  type EventView,
} from '@sunlight/event-store';

/** What a command answers: the event that records its outcome, and whether it was written just now. */
export interface TransferOutcome {
  /** True when the request repeated an earlier one and nothing new was written. */
  replayed: boolean;
  event: EventView;
}
