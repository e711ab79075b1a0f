import { BadRequestException } from '@nestjs/common';
import type { DivisionRegistry } from '@sunlight/geo';
import type { TransferOutcome } from '../application/command-envelope';

export interface OutcomeResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
}

/**
 * A command answers with the event that records its outcome. A repeated request gets the very
 * same event back, marked `Idempotent-Replayed: true` and with 200 instead of 201.
 */
export function sendOutcome(response: OutcomeResponse, outcome: TransferOutcome): TransferOutcome['event'] {
  response.setHeader('Idempotent-Replayed', String(outcome.replayed));
  response.status(outcome.replayed ? 200 : 201);
  return outcome.event;
}

/** Unknown division codes are bad input (400 naming the field), not a missing resource. */
export function requireDivision(divisions: DivisionRegistry, code: string, field: string): void {
  if (divisions.get(code) !== undefined) return;
  throw new BadRequestException({
    message: `${field} ${code} is not a known division`,
    errors: [{ field, message: `${code} is not a known division code` }],
  });
}
