import type { RecordedEvent } from '@sunlight/event-store';

export const CHECK_EVENTS = 'CHECK_EVENTS';

/** Which events a cross-check gathers from the log. */
export interface CheckEventQuery {
  /** Streams whose name starts with one of these. */
  streamPrefixes: readonly string[];
  /** Event types kept; the others are not read at all. */
  types: readonly string[];
  /**
   * Also, in the same pass, the streams keyed by a division after a dot, `<prefix><key>.<code>`
   * (a funds pool: `pool-<fundId>.<divisionCode>`), whose code starts with `within`: a division's
   * pools are not one prefix, since the fund comes first. Of these streams, the events whose data
   * has one of `skipDataKeys` are not read (a payment made from a roster line, which the check
   * reads as the line).
   */
  divisionStreams?: DivisionStreams;
}

export interface DivisionStreams {
  prefix: string;
  within: string;
  skipDataKeys?: readonly string[];
}

/**
 * The log as a cross-check reads it: every event of some types in the streams of some prefixes,
 * in log order, with the data as recorded and, of the metadata, `occurredAt` alone (a check of a
 * province reads a million roster lines, and their actors and correlation ids are not needed).
 * It reads the log itself, not a read model, so a check sees every line committed before it.
 */
export interface CheckEvents {
  read(query: CheckEventQuery): AsyncIterable<RecordedEvent>;
  /** Which of these streams have events. */
  existing(streamNames: readonly string[]): Promise<Set<string>>;
}
