/**
 * Claims on KurrentDB (`metadata.claims` / `metadata.releases`, see EventToAppend): a key held by
 * exactly one stream across the whole log, checked atomically with the append.
 *
 * PostgreSQL keeps the holders in a table its append transaction updates under the append lock.
 * KurrentDB has no such lock, so each key gets a stream of its own (`sunlight-store-claim-<sha256
 * of the key>`) whose last record says who holds the key. An append that claims or releases keys
 * is written with ONE multi-stream append (KurrentDB ≥ 25.1, `multiStreamAppend`; "either all
 * streams are updated, or the entire operation fails"): the events at the stream's expected
 * revision, and one record per changed key at the revision its claim stream was read at (or
 * `no_stream` for a key never claimed). Two streams racing for a key both read its claim stream at
 * the same revision; the server lets only one of those writes through, the other whole append
 * fails with a revision conflict on the claim stream, and the loser plans again, now seeing the
 * winner as the holder (ClaimTakenError). A key whose holder does not change (the holder claiming
 * it again) is not written: only the holder's own appends can release it, and those are ordered
 * by the exact expected revision every claims append must carry (below).
 *
 * The claim streams are derived data, like PostgreSQL's `stream_claims` table: the claims stay in
 * the events' metadata, which the hash chain covers, so the index can be checked against the log.
 * Their records name the holder by stream, revision and event id, never by the key itself (a key
 * can be a person's ID number).
 */
import { ClaimTakenError, InvalidAppendError } from '../errors';
import type { EventStore, ExpectedRevision, JsonObject, RecordedEvent } from '../event-store.port';
import { derivedEventId, storeStreamName } from './store-streams';

export const keyClaimedType = 'KeyClaimed';
export const keyReleasedType = 'KeyReleased';

/** Who holds a key: the event that claimed it. */
export interface ClaimHolder {
  stream: string;
  /** The claiming event's revision in `stream`, as a decimal string (JSON has no bigint). */
  revision: string;
  eventId: string;
}

export interface ClaimStreamState {
  /** The claim stream's last revision, or no_stream for a key never claimed. */
  revision: bigint | 'no_stream';
  /** Absent when the key is free (never claimed, or released). */
  holder?: ClaimHolder;
}

export interface ClaimRecord {
  eventId: string;
  type: typeof keyClaimedType | typeof keyReleasedType;
  data: JsonObject;
}

export interface ClaimStreamWrite {
  key: string;
  streamName: string;
  expectedState: bigint | 'no_stream';
  records: ClaimRecord[];
}

/** The claims-relevant part of an event to append. */
export interface ClaimingEvent {
  eventId: string;
  metadata: JsonObject;
}

export function claimStreamName(key: string): string {
  return storeStreamName('claim', key);
}

export function hasClaims(events: readonly ClaimingEvent[]): boolean {
  return events.some(
    (event) => event.metadata['claims'] !== undefined || event.metadata['releases'] !== undefined,
  );
}

/** Every key the batch claims or releases, each once, in a fixed order. */
export function claimKeysOf(events: readonly ClaimingEvent[]): string[] {
  const keys = new Set<string>();
  for (const event of events) {
    for (const key of keysIn(event.metadata['releases'])) keys.add(key);
    for (const key of keysIn(event.metadata['claims'])) keys.add(key);
  }
  return [...keys].sort();
}

/**
 * The revision the batch's first event will get. A claim record names its event by revision, so
 * the revision must be known before the write: an exact revision or no_stream. Every command
 * handler in the app appends with one (deciderHandler); `any` and `stream_exists` with claims are
 * refused on KurrentDB rather than written with a guess.
 */
export function firstRevisionOf(expected: ExpectedRevision): bigint {
  if (expected === 'no_stream') return 0n;
  if (typeof expected === 'bigint') return expected + 1n;
  throw new InvalidAppendError(
    'expectedRevision',
    `must be an exact revision or 'no_stream' when events claim or release keys on KurrentDB (got '${expected}')`,
  );
}

/** The state of a key from its claim stream's last record (undefined: the stream is empty). */
export function claimStateOf(
  last: Pick<RecordedEvent, 'type' | 'data' | 'revision'> | undefined,
): ClaimStreamState {
  if (last === undefined) return { revision: 'no_stream' };
  if (last.type === keyReleasedType) return { revision: last.revision };
  if (last.type !== keyClaimedType) {
    throw new TypeError(`a claim stream holds a ${last.type} record; only the store writes there`);
  }
  const { stream, revision, eventId } = last.data;
  if (typeof stream !== 'string' || typeof revision !== 'string' || typeof eventId !== 'string') {
    throw new TypeError('a KeyClaimed record lacks its stream, revision or event id');
  }
  return { revision: last.revision, holder: { stream, revision, eventId } };
}

/**
 * What the append must write to the claim streams, given each key's state as read: events in
 * order, each one's releases before its claims (as PostgreSQL's trigger applies them). Releasing
 * a key the stream does not hold changes nothing, as on PostgreSQL. Throws ClaimTakenError, before
 * anything is written, when a key is held by another stream.
 */
export function planClaims(
  streamName: string,
  events: readonly ClaimingEvent[],
  firstRevision: bigint,
  states: ReadonlyMap<string, ClaimStreamState>,
): ClaimStreamWrite[] {
  const holders = new Map<string, ClaimHolder | undefined>();
  const writes = new Map<string, ClaimStreamWrite>();
  const stateOf = (key: string): ClaimStreamState => {
    const state = states.get(key);
    if (state === undefined) throw new Error(`the claim stream of a key was not read: ${key}`);
    return state;
  };
  const holderOf = (key: string) => (holders.has(key) ? holders.get(key) : stateOf(key).holder);
  const record = (key: string, type: ClaimRecord['type'], holder: ClaimHolder) => {
    const claimStream = claimStreamName(key);
    const write = writes.get(key) ?? {
      key,
      streamName: claimStream,
      expectedState: stateOf(key).revision,
      records: [],
    };
    write.records.push({
      eventId: derivedEventId(claimStream, holder.eventId, type),
      type,
      data: { ...holder },
    });
    writes.set(key, write);
  };
  events.forEach((event, index) => {
    const revision = (firstRevision + BigInt(index)).toString();
    for (const key of keysIn(event.metadata['releases'])) {
      const holder = holderOf(key);
      if (holder?.stream !== streamName) continue;
      holders.set(key, undefined);
      record(key, keyReleasedType, { stream: streamName, revision, eventId: event.eventId });
    }
    for (const key of keysIn(event.metadata['claims'])) {
      const holder = holderOf(key);
      if (holder?.stream === streamName) continue;
      if (holder !== undefined) throw new ClaimTakenError(key, holder.stream);
      const claimed = { stream: streamName, revision, eventId: event.eventId };
      holders.set(key, claimed);
      record(key, keyClaimedType, claimed);
    }
  });
  return [...writes.values()];
}

/** The last record of a key's claim stream, read through the port. */
export async function readClaimState(store: EventStore, key: string): Promise<ClaimStreamState> {
  for await (const last of store.readStream(claimStreamName(key), {
    direction: 'backwards',
    maxCount: 1,
  })) {
    return claimStateOf(last);
  }
  return claimStateOf(undefined);
}

/** Keys validated by validateAppend: absent, or a list of non-empty strings. */
function keysIn(keys: unknown): readonly string[] {
  return Array.isArray(keys) ? (keys as string[]) : [];
}
