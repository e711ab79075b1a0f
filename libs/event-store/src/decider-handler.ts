import { hash } from 'node:crypto';
import { AppError, type Decider, type DomainEvent } from '@sunlight/kernel';
import { ClaimTakenError, WrongExpectedVersionError } from './errors';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  GlobalPosition,
  JsonObject,
  RecordedEvent,
} from './event-store.port';
import { KeyedMutex } from './keyed-mutex';
import type { SnapshotStore } from './snapshot-store.port';
import { StateCache } from './state-cache';

/** Attempts after a concurrent writer got there first; each one re-reads and re-decides. */
// Ten, with a backoff doubling from 10 ms up to 320 ms (about 1.3 s of waiting at most): five
// with at most 100 ms in all was too few for two instances on one hot pool stream when the
// machine was loaded, where twenty interleaved lifecycles refused a valid approval with a 409.
export const appendRetryCountMax = 10;
const retryBackoffMsFirst = 10;
const retryBackoffMsMax = 320;

/** The metadata every event of one command carries (actor, occurredAt, ids, reason …). */
export type EventMetadata = JsonObject & { commandId: string };

/** What one event claims and releases; both empty for most events. */
export interface EventClaims {
  claims?: readonly string[];
  releases?: readonly string[];
}

export interface SnapshotPolicy<State> {
  store: SnapshotStore;
  schemaVersion: number;
  /** Take a new snapshot once this many events have been appended since the last one. */
  everyEvents: number;
  /**
   * Optional: wait for at least this many events instead when it is more than `everyEvents`. A
   * snapshot serialises the whole state, so for a state that grows with its stream (a pool's
   * transfers) a fixed interval makes snapshots quadratic over a long stream; an interval in
   * proportion to the state keeps their cost per event constant, and a cold load then replays a
   * tail of at most that proportion after the snapshot.
   */
  eventsBetweenMin?: (state: State) => number;
  toJson(state: State): JsonObject;
  fromJson(json: JsonObject): State;
}

/** How one decider's streams are handled; given once, when the handler is made. */
export interface DeciderHandlerOptions<State, Command, Event extends DomainEvent> {
  decider: Decider<State, Command, Event>;
  /** The context's typed border from stored events to its domain events. */
  toDomainEvent: (recorded: RecordedEvent) => Event;
  snapshots?: SnapshotPolicy<State>;
  /**
   * The keys an event claims or releases across the whole log (see `EventToAppend.metadata`):
   * a transfer's id, a person's ID number. Absent, events claim nothing.
   */
  claimsOf?: (event: Event) => EventClaims;
  /**
   * Keep this many recently folded states in memory, and run this process's commands one at a
   * time per stream. A cached state is then trusted without reading the stream: only another
   * process can have written since, and then the expected revision fails and the retry reads the
   * tail; a refusal decided on a trusted state is decided again on the stream's tail first.
   */
  cacheEntriesMax?: number;
  /**
   * Optional: the commands that start their stream under a client-chosen id (a household's
   * registration). When this process holds no state of the stream, such a command is decided on
   * the initial state and appended expecting no stream, without reading the stream first, on a
   * store that tells a write from an idempotent repeat (`EventStore.tellsRepeats`); anything but
   * a write (the stream exists, an identical earlier append, a claim taken, a refusal on the
   * initial state) is decided again as usual, on the stream as it is.
   */
  startsStream?: (command: Command) => boolean;
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

export interface LoadedState<State> {
  state: State;
  /** Revision of the stream's last event folded in; undefined for a stream with no events. */
  revision: bigint | undefined;
}

/**
 * Runs one decider's commands against the event store (emmett's `CommandHandler`): load
 * (cache or snapshot, plus the tail) → fold → decide → append with the expected revision; on a
 * conflict do it all again, at most `appendRetryCountMax` times. Event ids derive from the command
 * id, so a retried command that had in fact been written is recognised by the store as a repeat.
 */
export interface DeciderHandler<State, Command, Event> {
  handle(
    streamName: string,
    command: Command,
    metadata: EventMetadata,
  ): Promise<CommandResult<State, Event>>;
  /** Folds a stream without deciding anything. */
  load(streamName: string): Promise<LoadedState<State>>;
}

export function deciderHandler<State, Command, Event extends DomainEvent>(
  store: EventStore,
  options: DeciderHandlerOptions<State, Command, Event>,
): DeciderHandler<State, Command, Event> {
  const run = new HandlerRun(store, options);
  return {
    handle: (streamName, command, metadata) => run.handle(streamName, command, metadata),
    load: async (streamName) => {
      const { state, revision } = await run.load(streamName, false);
      return { state, revision };
    },
  };
}

interface Loaded<State> extends LoadedState<State> {
  snapshotRevision: bigint | undefined;
  /** True when the state came from the cache without reading the stream. */
  trusted: boolean;
}

class HandlerRun<State, Command, Event extends DomainEvent> {
  private readonly cache: StateCache<State> | undefined;
  private readonly streamLocks: KeyedMutex | undefined;
  /** Snapshot revisions of this process, so a cached (snapshot-less) load still knows when to take one. */
  private readonly lastSnapshotRevisions = new Map<string, bigint>();

  constructor(
    private readonly store: EventStore,
    private readonly options: DeciderHandlerOptions<State, Command, Event>,
  ) {
    const entriesMax = options.cacheEntriesMax;
    this.cache = entriesMax === undefined ? undefined : new StateCache<State>(entriesMax);
    this.streamLocks = entriesMax === undefined ? undefined : new KeyedMutex();
  }

  handle(
    streamName: string,
    command: Command,
    metadata: EventMetadata,
  ): Promise<CommandResult<State, Event>> {
    if (this.streamLocks === undefined) return this.attempt(streamName, command, metadata);
    return this.streamLocks.run(streamName, () => this.attempt(streamName, command, metadata));
  }

  private async attempt(
    streamName: string,
    command: Command,
    metadata: EventMetadata,
  ): Promise<CommandResult<State, Event>> {
    const { decider } = this.options;
    if (this.mayStartUnread(streamName, command)) {
      const started = await this.startUnread(streamName, command, metadata);
      if (started !== undefined) return started;
    }
    for (let attempt = 1; ; attempt += 1) {
      const loaded = await this.load(streamName, this.streamLocks !== undefined && attempt === 1);
      const { events, from } = await this.decide(streamName, command, loaded);
      if (events.length === 0) {
        return { events, state: from.state, revision: from.revision, position: undefined };
      }
      const state = events.reduce(decider.evolve, from.state);
      try {
        const result = await this.store.appendToStream(
          streamName,
          this.envelopes(events, metadata),
          { expectedRevision: from.revision ?? 'no_stream' },
        );
        return this.written(streamName, events, state, from.snapshotRevision, result);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= appendRetryCountMax) {
          throw error;
        }
        // Full jitter: writers that collided once do not collide again in step.
        await sleep(
          Math.random() * Math.min(retryBackoffMsMax, retryBackoffMsFirst * 2 ** attempt),
        );
      }
    }
  }

  private mayStartUnread(streamName: string, command: Command): boolean {
    return (
      this.store.refusesRepeats === true &&
      this.options.startsStream?.(command) === true &&
      this.cache?.get(streamName) === undefined
    );
  }

  /**
   * The command decided on the initial state and appended expecting no stream; undefined when it
   * must be decided on the stream as it is instead (see `startsStream`). Nothing it does is seen
   * by anyone unless the append wrote exactly these events as the stream's first.
   */
  private async startUnread(
    streamName: string,
    command: Command,
    metadata: EventMetadata,
  ): Promise<CommandResult<State, Event> | undefined> {
    const { decider } = this.options;
    let events: Event[];
    try {
      events = decider.decide(command, decider.initialState());
    } catch {
      return undefined;
    }
    if (events.length === 0) return undefined;
    let result: AppendResult;
    try {
      result = await this.store.appendToStream(streamName, this.envelopes(events, metadata), {
        expectedRevision: 'no_stream',
        refuseRepeat: true,
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError || error instanceof ClaimTakenError) {
        return undefined;
      }
      throw error;
    }
    const state = events.reduce(decider.evolve, decider.initialState());
    return this.written(streamName, events, state, undefined, result);
  }

  /** What a command that wrote its events answers; the state is cached and maybe snapshotted. */
  private written(
    streamName: string,
    events: Event[],
    state: State,
    snapshotRevision: bigint | undefined,
    result: AppendResult,
  ): CommandResult<State, Event> {
    this.cache?.set(streamName, result.nextExpectedRevision, state);
    this.maybeSnapshot(streamName, state, snapshotRevision, result.nextExpectedRevision);
    return {
      events,
      state,
      revision: result.nextExpectedRevision,
      position: result.position,
      recorded: result.recorded,
    };
  }

  private envelopes(events: readonly Event[], metadata: EventMetadata): EventToAppend[] {
    return events.map((event, index) =>
      toEnvelope(event, index, metadata, this.options.claimsOf?.(event)),
    );
  }

  /**
   * A refusal must be decided on the stream's latest revision: another instance may have written
   * what this one's cache has not seen (a disbursement requested through instance A and approved
   * through B). So an expected failure on a trusted cached state is decided once more on the tail.
   */
  private async decide(
    streamName: string,
    command: Command,
    loaded: Loaded<State>,
  ): Promise<{ events: Event[]; from: Loaded<State> }> {
    try {
      return { events: this.options.decider.decide(command, loaded.state), from: loaded };
    } catch (error) {
      if (!loaded.trusted || !(error instanceof AppError)) throw error;
      const fresh = await this.load(streamName, false);
      return { events: this.options.decider.decide(command, fresh.state), from: fresh };
    }
  }

  async load(streamName: string, trustCache: boolean): Promise<Loaded<State>> {
    const { decider, toDomainEvent, snapshots } = this.options;
    const cached = this.cache?.get(streamName);
    if (cached && trustCache) {
      return {
        state: cached.state,
        revision: cached.revision,
        snapshotRevision: undefined,
        trusted: true,
      };
    }
    // Only now: a pool's initial state allocates its transfer book, which a cached load never needs.
    let state = decider.initialState();
    let revision: bigint | undefined;
    let snapshotRevision: bigint | undefined;
    if (cached) {
      state = cached.state;
      revision = cached.revision;
    } else if (snapshots) {
      const snapshot = await snapshots.store.load(streamName, snapshots.schemaVersion);
      if (snapshot) {
        state = snapshots.fromJson(snapshot.state);
        revision = snapshot.revision;
        snapshotRevision = snapshot.revision;
      }
    }
    const tail = this.store.readStream(streamName, {
      fromRevision: revision === undefined ? undefined : revision + 1n,
    });
    for await (const recorded of tail) {
      state = decider.evolve(state, toDomainEvent(recorded));
      revision = recorded.revision;
    }
    if (revision !== undefined && this.cache && revision !== cached?.revision) {
      this.cache.set(streamName, revision, state);
    }
    return { state, revision, snapshotRevision, trusted: false };
  }

  /**
   * Takes a snapshot once `everyEvents` events have been appended since the last one. It runs in
   * the background: a failed or slow snapshot costs only speed on a later cold load, never
   * correctness, and must not delay the command's answer.
   */
  private maybeSnapshot(
    streamName: string,
    state: State,
    snapshotRevision: bigint | undefined,
    revision: bigint,
  ): void {
    const policy = this.options.snapshots;
    if (!policy) return;
    const known = this.lastSnapshotRevisions.get(streamName);
    const since =
      known !== undefined && (snapshotRevision === undefined || known > snapshotRevision)
        ? known
        : snapshotRevision;
    const interval = Math.max(policy.everyEvents, policy.eventsBetweenMin?.(state) ?? 0);
    if (revision - (since ?? -1n) < BigInt(interval)) return;
    if (this.lastSnapshotRevisions.size >= lastSnapshotRevisionsMax) {
      this.lastSnapshotRevisions.clear();
    }
    this.lastSnapshotRevisions.set(streamName, revision);
    setImmediate(() => {
      policy.store
        .save({
          streamName,
          revision,
          schemaVersion: policy.schemaVersion,
          state: policy.toJson(state),
        })
        .catch(() => this.lastSnapshotRevisions.delete(streamName));
    });
  }
}

const lastSnapshotRevisionsMax = 10_000;

function toEnvelope(
  event: DomainEvent,
  index: number,
  metadata: EventMetadata,
  claims: EventClaims | undefined,
): EventToAppend {
  return {
    eventId: deterministicUuid(`${metadata.commandId}/${index}`),
    type: event.type,
    data: event.data as JsonObject,
    metadata: withClaims(metadata, claims),
  };
}

/** The command's metadata, plus this event's claims and releases where it has any. */
function withClaims(metadata: EventMetadata, claims: EventClaims | undefined): EventMetadata {
  const claimed = claims?.claims ?? [];
  const released = claims?.releases ?? [];
  if (claimed.length === 0 && released.length === 0) return metadata;
  return {
    ...metadata,
    ...(claimed.length === 0 ? {} : { claims: [...claimed] }),
    ...(released.length === 0 ? {} : { releases: [...released] }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A UUID (version 8, RFC 9562 "custom") from SHA-256 of a name: the same name, the same id. */
export function deterministicUuid(name: string): string {
  // One-shot: a Hash object per event cost three times as much (every appended event has an id).
  const bytes = hash('sha256', name, 'buffer').subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
