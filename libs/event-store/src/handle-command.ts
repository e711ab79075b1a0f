import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from './decider';
import { WrongExpectedVersionError } from './errors';
import type {
  EventStore,
  EventToAppend,
  GlobalPosition,
  JsonObject,
  RecordedEvent,
} from './event-store.port';
import type { SnapshotStore } from './snapshot-store.port';
import type { KeyedMutex } from './keyed-mutex';
import type { StateCache } from './state-cache';

/** Attempts after a concurrent writer got there first; each one re-reads and re-decides. */
export const appendRetryCountMax = 5;
const retryBackoffMsMax = 20;

export interface SnapshotPolicy<State> {
  store: SnapshotStore;
  schemaVersion: number;
  /** Take a new snapshot once this many events have been appended since the last one. */
  everyEvents: number;
  toJson(state: State): JsonObject;
  fromJson(json: JsonObject): State;
}

export interface HandleCommandOptions<State, Command, Event extends DomainEvent> {
  store: EventStore;
  decider: Decider<State, Command, Event>;
  streamName: string;
  command: Command;
  /** Metadata of every event this command writes (actor, occurredAt, ids, reason …). */
  metadata: JsonObject & { commandId: string };
  /** Stored events back to domain events; the default keeps `type` and `data`. */
  fromRecorded?: (recorded: RecordedEvent) => Event;
  snapshots?: SnapshotPolicy<State>;
  /** Recently folded states of this process; saves re-reading long streams on every command. */
  cache?: StateCache<State>;
  /**
   * Serialises this process's commands per stream. With it, a cached state is trusted on the
   * first attempt (no read at all): only another process can have written since, and then the
   * expected revision fails and the retry reads the tail.
   */
  streamLocks?: KeyedMutex;
}

export interface CommandResult<State, Event> {
  /** The events this command wrote; empty when the decider found nothing to do (a repeat). */
  events: Event[];
  state: State;
  /** Revision of the stream's last event after the command, or undefined for no stream. */
  revision: bigint | undefined;
  position: GlobalPosition | undefined;
  /** The appended events as recorded, when the store said (see `AppendResult.recorded`). */
  recorded?: readonly RecordedEvent[];
}

/**
 * Load (snapshot + tail) → fold → decide → append with the expected revision; on a conflict,
 * do it all again, at most `appendRetryCountMax` times. Event ids derive from the command id,
 * so a retried command that had in fact been written is recognised by the store as a repeat.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<State, Event>> {
  if (options.streamLocks) {
    return options.streamLocks.run(options.streamName, () => attemptCommand(options, true));
  }
  return attemptCommand(options, false);
}

async function attemptCommand<State, Command, Event extends DomainEvent>(
  options: HandleCommandOptions<State, Command, Event>,
  trustCache: boolean,
): Promise<CommandResult<State, Event>> {
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await loadState(options, trustCache && attempt === 1);
    const events = options.decider.decide(options.command, loaded.state);
    if (events.length === 0) {
      return { events, state: loaded.state, revision: loaded.revision, position: undefined };
    }
    const state = events.reduce(options.decider.evolve, loaded.state);
    try {
      const result = await options.store.appendToStream(
        options.streamName,
        events.map((event, index) => toEnvelope(event, index, options.metadata)),
        { expectedRevision: loaded.revision ?? 'no_stream' },
      );
      options.cache?.set(options.streamName, result.nextExpectedRevision, state);
      maybeSnapshot(options, state, loaded.snapshotRevision, result.nextExpectedRevision);
      return {
        events,
        state,
        revision: result.nextExpectedRevision,
        position: result.position,
        recorded: result.recorded,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= appendRetryCountMax)
        throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * retryBackoffMsMax * attempt),
      );
    }
  }
}

/** Folds a stream (from its snapshot when there is one) without deciding anything. */
export async function loadState<State, Command, Event extends DomainEvent>(
  options: Pick<
    HandleCommandOptions<State, Command, Event>,
    'store' | 'decider' | 'streamName' | 'fromRecorded' | 'snapshots' | 'cache'
  >,
  trustCache = false,
): Promise<{ state: State; revision: bigint | undefined; snapshotRevision: bigint | undefined }> {
  const fromRecorded =
    options.fromRecorded ??
    ((recorded: RecordedEvent) =>
      ({ type: recorded.type, data: recorded.data }) as unknown as Event);
  const cached = options.cache?.get(options.streamName);
  if (cached && trustCache) {
    return { state: cached.state, revision: cached.revision, snapshotRevision: undefined };
  }
  // Only now: a pool's initial state allocates its transfer book, which a cached load never needs.
  let state = options.decider.initialState();
  let revision: bigint | undefined;
  let snapshotRevision: bigint | undefined;
  if (cached) {
    state = cached.state;
    revision = cached.revision;
  } else if (options.snapshots) {
    const snapshot = await options.snapshots.store.load(
      options.streamName,
      options.snapshots.schemaVersion,
    );
    if (snapshot) {
      state = options.snapshots.fromJson(snapshot.state);
      revision = snapshot.revision;
      snapshotRevision = snapshot.revision;
    }
  }
  const tail = options.store.readStream(options.streamName, {
    fromRevision: revision === undefined ? undefined : revision + 1n,
  });
  for await (const recorded of tail) {
    state = options.decider.evolve(state, fromRecorded(recorded));
    revision = recorded.revision;
  }
  if (revision !== undefined && options.cache && revision !== cached?.revision) {
    options.cache.set(options.streamName, revision, state);
  }
  return { state, revision, snapshotRevision };
}

/** Snapshot revisions of this process, so a cached (snapshot-less) load still knows when to take one. */
const lastSnapshotRevisions = new Map<string, bigint>();
const lastSnapshotRevisionsMax = 10_000;

/**
 * Takes a snapshot once `everyEvents` events have been appended since the last one. It runs in
 * the background: a failed or slow snapshot costs only speed on a later cold load, never
 * correctness, and must not delay the command's answer.
 */
function maybeSnapshot<State, Command, Event extends DomainEvent>(
  options: HandleCommandOptions<State, Command, Event>,
  state: State,
  snapshotRevision: bigint | undefined,
  revision: bigint,
): void {
  const policy = options.snapshots;
  if (!policy) return;
  const key = `${policy.schemaVersion}/${options.streamName}`;
  const known = lastSnapshotRevisions.get(key);
  const since =
    known !== undefined && (snapshotRevision === undefined || known > snapshotRevision)
      ? known
      : snapshotRevision;
  if (revision - (since ?? -1n) < BigInt(policy.everyEvents)) return;
  if (lastSnapshotRevisions.size >= lastSnapshotRevisionsMax) lastSnapshotRevisions.clear();
  lastSnapshotRevisions.set(key, revision);
  setImmediate(() => {
    policy.store
      .save({
        streamName: options.streamName,
        revision,
        schemaVersion: policy.schemaVersion,
        state: policy.toJson(state),
      })
      .catch(() => lastSnapshotRevisions.delete(key));
  });
}

function toEnvelope(
  event: DomainEvent,
  index: number,
  metadata: JsonObject & { commandId: string },
): EventToAppend {
  return {
    eventId: deterministicUuid(`${metadata.commandId}/${index}`),
    type: event.type,
    data: event.data as JsonObject,
    metadata,
  };
}

/** A UUID (version 8, RFC 9562 "custom") from SHA-256 of a name: the same name, the same id. */
export function deterministicUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
