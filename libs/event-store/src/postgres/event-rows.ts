import type { ValidatedAppend } from '../append-validation';
import type { ExpectedRevision, RecordedEvent } from '../event-store.port';
import { binaryTextArray, binaryUuidArray } from './binary-arrays';
import { encodePosition } from './positions';

/**
 * How events cross the wire: rows of `events` become `RecordedEvent`s, and appends become the
 * parameters of one `sunlight_append` call.
 */

/** An `events` row as the driver returns it. */
export interface EventRow {
  position: string;
  stream_name: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

export const eventColumns =
  'position, stream_name, revision, event_id, type, data, metadata, recorded_at';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamName: row.stream_name,
    revision: BigInt(row.revision),
    position: encodePosition(row.position),
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

export const appendStatementName = 'sunlight_append';
export const appendSql = 'SELECT * FROM sunlight_append($1, $2, $3, $4, $5, $6, $7, $8, $9)';

export interface EncodedAppend {
  streamJson: string;
  typeJsons: string[];
}

/** One append of a call, with what its encoding needs. */
export interface AppendCallItem {
  append: ValidatedAppend;
  expected: ExpectedRevision;
}

/**
 * Data, metadata, stream and type travel as RFC 8785 text so that the database hashes exactly
 * the bytes a verifier will recompute. Done at enqueue time, outside the database's lock.
 */
export function encodeAppend(append: ValidatedAppend): EncodedAppend {
  return {
    streamJson: JSON.stringify(append.streamName),
    typeJsons: append.events.map((event) => JSON.stringify(event.type)),
  };
}

/**
 * The parameters of one `sunlight_append` call carrying several appends, flattened. The
 * per-event arrays (ids, types, data and metadata texts) go in PostgreSQL's binary array form,
 * which the server takes as it comes: most of an append's bytes are its texts, and as text[]
 * literals the driver escaped every quote in them and the server unescaped them again, character
 * by character (migration 7 says what that cost).
 */
export function appendParameters(batch: readonly (EncodedAppend & AppendCallItem)[]): unknown[] {
  const events = batch.flatMap((pending) => pending.append.events);
  return [
    batch.map((pending) => pending.append.streamName),
    batch.map((pending) => pending.streamJson),
    batch.map((pending) =>
      typeof pending.expected === 'bigint' ? pending.expected.toString() : pending.expected,
    ),
    `{${batch.map((pending) => pending.append.events.length).join(',')}}`,
    binaryUuidArray(events.map((event) => event.eventId)),
    binaryTextArray(events.map((event) => event.type)),
    binaryTextArray(batch.flatMap((pending) => pending.typeJsons)),
    binaryTextArray(
      events.map((event) => event.dataText),
      events.map((event) => event.dataBytes),
    ),
    binaryTextArray(
      events.map((event) => event.metadataText),
      events.map((event) => event.metadataBytes),
    ),
  ];
}

/** For tests and tools that call `sunlight_append` themselves, with one append or several. */
export function appendCallParameters(appends: readonly AppendCallItem[]): unknown[] {
  return appendParameters(
    appends.map(({ append, expected }) => ({ append, expected, ...encodeAppend(append) })),
  );
}

export function singleAppendParameters(
  append: ValidatedAppend,
  expected: ExpectedRevision,
): unknown[] {
  return appendCallParameters([{ append, expected }]);
}

/** An append's events as a reader will see them: positions and revisions are gapless in a batch. */
export function recordedEvents(
  append: ValidatedAppend,
  lastRevision: bigint,
  lastPosition: bigint,
  recordedAt: Date,
): RecordedEvent[] {
  const count = BigInt(append.events.length);
  return append.events.map((event, index) => ({
    streamName: append.streamName,
    revision: lastRevision - count + 1n + BigInt(index),
    position: encodePosition(lastPosition - count + 1n + BigInt(index)),
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt,
  }));
}
