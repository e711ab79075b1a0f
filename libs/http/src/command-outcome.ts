import type { CommandOutcome, EventView } from '@sunlight/event-store';

export interface OutcomeResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
}

/**
 * A command answers with the event that records its outcome. A repeated request gets the very
 * same event back, marked `Idempotent-Replayed: true` and with 200 instead of 201.
 */
export function sendOutcome(response: OutcomeResponse, outcome: CommandOutcome): EventView {
  response.setHeader('Idempotent-Replayed', String(outcome.replayed));
  response.status(outcome.replayed ? 200 : 201);
  return outcome.event;
}
