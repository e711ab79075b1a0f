import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import {
  fundLineEventTypes,
  fundStreamCategory,
  parsePoolStreamName,
  poolEventTypes,
  type FundLineEvent,
  type PoolEvent,
} from './domain';

/*
 * The one border between the log and the funds domain: a stored event becomes a typed pool or
 * fund-line event here and nowhere else. The command handlers, the processor, the projections
 * and the history routes all read the log through these functions.
 */

const poolTypes: ReadonlySet<string> = new Set(poolEventTypes);
const fundLineTypes: ReadonlySet<string> = new Set(fundLineEventTypes);

/**
 * The pool event, or undefined for anything else. An event type this code does not know yet is
 * skipped rather than refused, so an older projection version keeps running beside a newer log.
 */
export function poolEventOf(recorded: RecordedEvent): PoolEvent | undefined {
  // `keysOf` and then `apply` for each of an event's documents ask about the same event in a row.
  if (recorded === lastPoolEvent.of) return lastPoolEvent.is;
  const is = readPoolEvent(recorded);
  lastPoolEvent = { of: recorded, is };
  return is;
}

let lastPoolEvent: { of: RecordedEvent | undefined; is: PoolEvent | undefined } = {
  of: undefined,
  is: undefined,
};

function readPoolEvent(recorded: RecordedEvent): PoolEvent | undefined {
  const pool = parsePoolStreamName(recorded.streamName);
  if (pool === undefined || !poolTypes.has(recorded.type)) return undefined;
  // The type is one of the pool's, checked above; the data is what the pool's decider wrote.
  const event = { type: recorded.type, data: recorded.data } as unknown as PoolEvent;
  invariant(
    event.data.fundId === pool.fundId && event.data.divisionCode === pool.divisionCode,
    `${recorded.type} at ${recorded.position} names pool ${event.data.fundId}.${event.data.divisionCode} but is in ${recorded.streamName}`,
  );
  return event;
}

/** A pool stream's event; anything else in a pool stream is a broken invariant. */
export function toPoolEvent(recorded: RecordedEvent): PoolEvent {
  const event = poolEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a pool event`,
  );
  return event;
}

export function fundLineEventOf(recorded: RecordedEvent): FundLineEvent | undefined {
  if (
    !recorded.streamName.startsWith(`${fundStreamCategory}-`) ||
    !fundLineTypes.has(recorded.type)
  ) {
    return undefined;
  }
  return { type: recorded.type, data: recorded.data } as unknown as FundLineEvent;
}

/** A fund stream's event; anything else in a fund stream is a broken invariant. */
export function toFundLineEvent(recorded: RecordedEvent): FundLineEvent {
  const event = fundLineEventOf(recorded);
  invariant(
    event !== undefined,
    `${recorded.type} at ${recorded.position} in ${recorded.streamName} is not a fund line event`,
  );
  return event;
}
