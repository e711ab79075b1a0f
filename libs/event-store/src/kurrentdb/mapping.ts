/**
 * Pure translations between the port and @kurrent/kurrentdb-client 1.x: expected revisions,
 * recorded events, metadata, filters and checkpoints. Kept apart from the adapter so each rule is
 * unit-tested without a server (none can run on the build machines).
 */
import { InvalidAppendError, type ActualRevision } from '../errors';
import type {
  AllFilter,
  ExpectedRevision,
  GlobalPosition,
  JsonObject,
  RecordedEvent,
} from '../event-store.port';
import { encodeKurrentPosition, type KurrentPosition } from './positions';

/**
 * The client's `streamState`. Its constants are the same strings as the port's ('any',
 * 'no_stream', 'stream_exists') and an exact revision is the same 0-based bigint of the stream's
 * last event, so the mapping is the identity; it is written out so a change on either side is a
 * type error here, not a silent drift. (The pre-1.0 `expectedRevision` option is gone: PR #403.)
 */
export function toStreamState(
  expected: ExpectedRevision,
): 'any' | 'no_stream' | 'stream_exists' | bigint {
  switch (expected) {
    case 'any':
    case 'no_stream':
    case 'stream_exists':
      return expected;
    default:
      return expected;
  }
}

/**
 * The client's `actualState` of a WrongExpectedVersionError: 'no_stream' or the revision of the
 * stream's last event. A deleted (-5) or tombstoned (-6) stream cannot occur, since the app never
 * deletes; should it, it reads as having no stream, which is what a writer must assume.
 */
export function fromActualState(actual: unknown): ActualRevision {
  if (typeof actual === 'bigint' && actual >= 0n) return actual;
  if (typeof actual === 'number' && Number.isSafeInteger(actual) && actual >= 0) {
    return BigInt(actual);
  }
  return 'no_stream';
}

/**
 * The event's metadata as KurrentDB stores it. Keys starting with `$` are read by the server
 * (`$correlationId`, `$causationId` drive its system projections), so the app must not write
 * them: refused like every other bad input, naming the field.
 */
export function toKurrentMetadata(field: string, metadata: JsonObject): JsonObject {
  const reserved = Object.keys(metadata).find((key) => key.startsWith('$'));
  if (reserved !== undefined) {
    throw new InvalidAppendError(
      `${field}.${reserved}`,
      'must not start with "$" (KurrentDB reads such metadata keys itself)',
    );
  }
  if (Object.hasOwn(metadata, packedMetadataKey)) {
    throw new InvalidAppendError(
      `${field}.${packedMetadataKey}`,
      'is reserved for the KurrentDB adapter (metadata written by a multi-stream append)',
    );
  }
  return metadata;
}

/**
 * A multi-stream append takes metadata as string keys with string values only ("to maintain
 * compatibility with KurrentDB's metadata handling", client docs for `multiStreamAppend`), while
 * the app's metadata nests (actor, claims). Such events carry their metadata as its RFC 8785 text
 * under this one key, and reads unpack it, so both kinds of append read back the same.
 */
export const packedMetadataKey = 'sunlight-metadata';

export function packMetadata(metadataText: string): Record<string, string> {
  return { [packedMetadataKey]: metadataText };
}

/** The app's metadata of a stored event, unpacking what a multi-stream append packed. */
export function unpackMetadata(stored: unknown): JsonObject {
  if (!isJsonObject(stored)) return {};
  const packed = stored[packedMetadataKey];
  if (typeof packed !== 'string') return stored;
  const metadata: unknown = JSON.parse(packed);
  if (!isJsonObject(metadata)) {
    throw new TypeError(`the packed metadata (${packedMetadataKey}) is not a JSON object`);
  }
  return metadata;
}

/** The parts of a client RecordedEvent the port needs (JSON events only). */
export interface KurrentRecordedEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: KurrentPosition;
}

/** System events (`$`-prefixed types or streams: `$metadata`, `$statsCollected` …) are never the app's. */
export function isSystemEvent(event: Pick<KurrentRecordedEvent, 'type' | 'streamId'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * A recorded event in the port's shape. Every event the app wrote is JSON with an object for data
 * and metadata; anything else in the log was written by someone else and is refused loudly
 * rather than passed on half-read.
 */
export function toRecordedEvent(event: KurrentRecordedEvent): RecordedEvent {
  if (!event.isJson || !isJsonObject(event.data)) {
    throw new TypeError(
      `${event.streamId}@${event.revision} is not a JSON object event; the app never writes one`,
    );
  }
  if (event.position === undefined) {
    throw new TypeError(`${event.streamId}@${event.revision} came without its log position`);
  }
  return {
    eventId: event.id.toLowerCase(),
    type: event.type,
    data: event.data,
    metadata: unpackMetadata(event.metadata),
    streamName: event.streamId,
    revision: event.revision,
    position: encodeKurrentPosition(event.position),
    recordedAt: event.created,
  };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The server's filter window: it scans this many events per page while a filter skips them. */
export const maxSearchWindowDefault = 32;

/**
 * The client's filter for the port's: prefixes on the stream name or the event type. The server
 * sends a checkpoint every `maxSearchWindow × checkpointInterval` scanned events (the client's
 * `checkpointInterval` is that multiplier), so the port's "at least every N events" becomes a
 * window of at most 32 times the smallest multiplier that reaches N.
 */
export function toKurrentFilter(
  filter: AllFilter | undefined,
  checkpointEvery: number,
):
  | {
      filterOn: 'streamName' | 'eventType';
      prefixes: string[];
      maxSearchWindow: number;
      checkpointInterval: number;
    }
  | undefined {
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new RangeError(`checkpointInterval must be a positive integer (got ${checkpointEvery})`);
  }
  if (filter === undefined) return undefined;
  if (filter.prefixes.length === 0) throw new RangeError('a filter needs at least one prefix');
  const maxSearchWindow = Math.min(checkpointEvery, maxSearchWindowDefault);
  return {
    filterOn: filter.on,
    prefixes: [...filter.prefixes],
    maxSearchWindow,
    checkpointInterval: Math.ceil(checkpointEvery / maxSearchWindow),
  };
}

/**
 * The checkpoint to hand on when the server reports one, or undefined to skip it. The server can
 * report a position below an event it already delivered (notes/event-stores.md §4), so a
 * checkpoint is raised to the last delivered event's position (resuming after that loses
 * nothing), and one that does not move past the previous checkpoint is dropped: checkpoints
 * handed on only ever increase.
 */
export function nextCheckpoint(
  reported: GlobalPosition,
  lastDelivered: GlobalPosition | undefined,
  lastCheckpoint: GlobalPosition | undefined,
): GlobalPosition | undefined {
  const raised = lastDelivered !== undefined && lastDelivered > reported ? lastDelivered : reported;
  return lastCheckpoint !== undefined && raised <= lastCheckpoint ? undefined : raised;
}

/**
 * KurrentDB's `readAll` starts *at* `fromPosition` (its subscriptions start after it); the port's
 * `after` is exclusive for both. True when a read event must be skipped for that reason.
 */
export function isAtOrBefore(position: GlobalPosition, after: GlobalPosition | undefined): boolean {
  return after !== undefined && position <= after;
}

const unavailableErrorNames = new Set([
  'UnavailableError',
  'NotLeaderError',
  'DeadlineExceededError',
  'TimeoutError',
]);
// gRPC status codes: 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE. Appends go through grpc-js, whose
// connection failures reach the caller as plain Errors carrying only this code.
const unavailableGrpcCodes = new Set([4, 14]);

/**
 * Whether a client error means the server cannot be reached now (a retry may succeed): the
 * client's own error classes, matched by name because reads (the Rust bridge) and appends
 * (grpc-js) fail through different paths, or a bare gRPC status.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (unavailableErrorNames.has(error.constructor.name) || unavailableErrorNames.has(error.name)) {
    return true;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && unavailableGrpcCodes.has(code);
}

// gRPC status 12: the server does not offer the call (multiStreamAppend before KurrentDB 25.1).
const unimplementedGrpcCode = 12;

/**
 * Whether the server answered that it does not offer the call. The client passes the status on
 * unchanged in the error's `code` (as an UnknownError), so this is the only way to tell.
 */
export function isUnimplemented(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === unimplementedGrpcCode;
}
