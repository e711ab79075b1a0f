import { createHash } from 'node:crypto';
import type { Decider, DomainEvent } from './decider';
import { WrongExpectedVersionError } from './errors';
import type { EventStore, EventToAppend, GlobalPosition, JsonObject, RecordedEvent } from './event-store.port';
import type { SnapshotStore } from './snapshot-store.port';

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
}

export interface CommandResult<State, Event> {
  /** The events this command wrote; empty when the decider found nothing to do (a repeat). */
  events: Event[];
  state: State;
  /** Revision of the stream's last event after the command, or undefined for no stream. */
  revision: bigint | undefined;
  position: GlobalPosition | undefined;
}

/**
 * Load (snapshot + tail) → fold → decide → append with the expected revision; on a conflict,
 * do it all again, at most `appendRetryCountMax` times. Event ids derive from the command id,
 * so a retried command that had in fact been written is recognised by the store as a repeat.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<State, Event>> {
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await loadState(options);
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
      await maybeSnapshot(options, state, loaded.snapshotRevision, result.nextExpectedRevision);
      return { events, state, revision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= appendRetryCountMax) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * retryBackoffMsMax * attempt));
    }
  }
}

/** Folds a stream (from its snapshot when there is one) without deciding anything. */
export async function loadState<State, Command, Event extends DomainEvent>(
  options: Pick<HandleCommandOptions<State, Command, Event>, 'store' | 'decider' | 'streamName' | 'fromRecorded' | 'snapshots'>,
): Promise<{ state: State; revision: bigint | undefined; snapshotRevision: bigint | undefined }> {
  const fromRecorded = options.fromRecorded ?? ((recorded: RecordedEvent) => ({ type: recorded.type, data: recorded.data }) as unknown as Event);
  let state = options.decider.initialState();
  let revision: bigint | undefined;
  let snapshotRevision: bigint | undefined;
  if (options.snapshots) {
    const snapshot = await options.snapshots.store.load(options.streamName, options.snapshots.schemaVersion);
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
  return { state, revision, snapshotRevision };
}

async function maybeSnapshot<State, Command, Event extends DomainEvent>(
  options: HandleCommandOptions<State, Command, Event>,
  state: State,
  snapshotRevision: bigint | undefined,
  revision: bigint,
): Promise<void> {
  const policy = options.snapshots;
  if (!policy) return;
  const sinceSnapshot = revision - (snapshotRevision ?? -1n);
  if (sinceSnapshot < BigInt(policy.everyEvents)) return;
  // A failed snapshot costs only speed on the next load, never correctness.
  await policy.store
    .save({ streamName: options.streamName, revision, schemaVersion: policy.schemaVersion, state: policy.toJson(state) })
    .catch(() => undefined);
}

function toEnvelope(event: DomainEvent, index: number, metadata: JsonObject & { commandId: string }): EventToAppend {
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
