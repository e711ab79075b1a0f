import { canonicalPlainJson, NotPlainJsonError } from '@sunlight/integrity';
import { InvalidAppendError } from './errors';
import type { AppendOptions, EventToAppend } from './event-store.port';

/** Limits every adapter enforces identically, so that none of them can drift. */
export const appendBatchEventsMax = 1_000;
export const streamNameLengthMax = 256;
export const eventTypeLengthMax = 128;
/** Keys one event may claim or release, and their length. */
export const claimKeysPerEventMax = 16;
export const claimKeyLengthMax = 256;
/** Data plus metadata of one event, as UTF-8 JSON. */
export const eventSizeBytesMax = 1_048_576;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters would make names ambiguous in logs and URLs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacterPattern = /[\u0000-\u001f\u007f]/;

export interface ValidatedEvent extends EventToAppend {
  /** RFC 8785 text of `data` and `metadata`: what the hash chain covers, computed once. */
  dataText: string;
  metadataText: string;
  /** Their lengths in UTF-8, measured once for the size limit. */
  dataBytes: number;
  metadataBytes: number;
}

export interface ValidatedAppend {
  streamName: string;
  /** Ids normalised to lower case, as PostgreSQL and KurrentDB print them. */
  events: ValidatedEvent[];
}

/** Throws InvalidAppendError naming the offending field; returns the append normalised. */
export function validateAppend(
  streamName: string,
  events: readonly EventToAppend[],
  options: AppendOptions,
): ValidatedAppend {
  validateName('streamName', streamName, streamNameLengthMax);
  validateExpectedRevision(options?.expectedRevision);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('events', 'must be a non-empty array');
  }
  if (events.length > appendBatchEventsMax) {
    throw new InvalidAppendError('events', `must hold at most ${appendBatchEventsMax} events`);
  }
  const seenIds = new Set<string>();
  const normalised = events.map((event, index) => {
    const field = `events[${index}]`;
    if (typeof event !== 'object' || event === null) {
      throw new InvalidAppendError(field, 'must be an object');
    }
    if (typeof event.eventId !== 'string' || !uuidPattern.test(event.eventId)) {
      throw new InvalidAppendError(`${field}.eventId`, 'must be a UUID');
    }
    const eventId = event.eventId.toLowerCase();
    if (seenIds.has(eventId)) {
      throw new InvalidAppendError(
        `${field}.eventId`,
        `duplicates an earlier id in the batch (${eventId})`,
      );
    }
    seenIds.add(eventId);
    validateName(`${field}.type`, event.type, eventTypeLengthMax);
    const dataText = canonicalObjectText(`${field}.data`, event.data);
    const metadataText = canonicalObjectText(`${field}.metadata`, event.metadata);
    validateClaimKeys(`${field}.metadata.claims`, event.metadata.claims);
    validateClaimKeys(`${field}.metadata.releases`, event.metadata.releases);
    const dataBytes = Buffer.byteLength(dataText);
    const metadataBytes = Buffer.byteLength(metadataText);
    if (dataBytes + metadataBytes > eventSizeBytesMax) {
      throw new InvalidAppendError(
        field,
        `is ${dataBytes + metadataBytes} bytes; at most ${eventSizeBytesMax} allowed`,
      );
    }
    return {
      eventId,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      dataText,
      metadataText,
      dataBytes,
      metadataBytes,
    };
  });
  return { streamName, events: normalised };
}

function validateName(field: string, value: unknown, lengthMax: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidAppendError(field, 'must be a non-empty string');
  }
  if (value.length > lengthMax) {
    throw new InvalidAppendError(field, `must be at most ${lengthMax} characters`);
  }
  if (value.startsWith('$')) {
    throw new InvalidAppendError(field, 'must not start with "$" (reserved for the store)');
  }
  if (controlCharacterPattern.test(value) || !value.isWellFormed()) {
    throw new InvalidAppendError(field, 'must not contain control characters or broken Unicode');
  }
}

/** Claims or releases of one event: a short list of short keys, or absent. */
function validateClaimKeys(field: string, keys: unknown): void {
  if (keys === undefined) return;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > claimKeysPerEventMax) {
    throw new InvalidAppendError(field, `must be a list of 1 to ${claimKeysPerEventMax} keys`);
  }
  keys.forEach((key, index) => validateName(`${field}[${index}]`, key, claimKeyLengthMax));
}

function validateExpectedRevision(expected: unknown): void {
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new InvalidAppendError('expectedRevision', 'must not be negative');
    return;
  }
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  throw new InvalidAppendError(
    'expectedRevision',
    "must be 'any', 'no_stream', 'stream_exists' or a bigint revision",
  );
}

const jsonDepthMax = 64;

/**
 * The RFC 8785 text of `data` or `metadata`, which must be a JSON object. Only values that survive
 * a round trip through JSON, JSONB and back unchanged are allowed, because the hash chain is
 * recomputed from what the store returns; the text is written and checked in one walk.
 */
function canonicalObjectText(field: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidAppendError(field, 'must be a JSON object');
  }
  try {
    return canonicalPlainJson(value, jsonDepthMax);
  } catch (error) {
    if (!(error instanceof NotPlainJsonError)) throw error;
    const path = error.path
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
      .join('');
    throw new InvalidAppendError(`${field}${path}`, error.reason);
  }
}
