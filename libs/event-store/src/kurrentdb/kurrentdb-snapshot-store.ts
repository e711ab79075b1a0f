import { createHash } from 'node:crypto';
import { canonicalJson } from '@sunlight/integrity';
import { WrongExpectedVersionError } from '../errors';
import type { JsonObject, RecordedEvent } from '../event-store.port';
import { sealSnapshot, snapshotSealProblem } from '../snapshot-seal';
import type { RejectedSnapshot, Snapshot, SnapshotStore } from '../snapshot-store.port';
import { chainedFields } from './chain-keeper';
import type { KurrentDbEventStore } from './kurrentdb-event-store';
import { derivedEventId, storeStreamName } from './store-streams';

export const snapshotTakenType = 'SnapshotTaken';

export interface KurrentDbSnapshotStoreOptions {
  /** The HMAC key of the seals (SUNLIGHT_SNAPSHOT_KEY); never stored in KurrentDB. */
  sealKey: string;
  /** Told of every snapshot refused at load, so it is logged and counted, never silently used. */
  onRejected?: (rejected: RejectedSnapshot) => void;
}

/**
 * SHA-256 of the event a snapshot was folded up to, over every field the log holds for it
 * (RFC 8785 JSON). On PostgreSQL a seal binds the snapshot to that event's chain hash; here the
 * chain hash comes from the chain keeper, which may not have reached an event written a moment
 * ago, so the seal binds to this digest instead: the same guarantee that a snapshot cannot be moved
 * onto another event at that revision, without waiting for the keeper.
 */
export function eventDigest(event: RecordedEvent): Buffer {
  return (
    createHash('sha256')
      // The chain's fields, with the event's log position in place of its place in the chain.
      .update(canonicalJson({ ...chainedFields(event, 0n), position: event.position }))
      .digest()
  );
}

/**
 * Snapshots on KurrentDB: each snapshotted stream has a store stream of its own
 * (`sunlight-store-snapshot-<sha256 of the name>`) whose last `SnapshotTaken` record is the
 * snapshot, sealed as on PostgreSQL (snapshot-seal.ts).
 *
 * The snapshot stream carries no `$maxCount`: the adapter writes no stream metadata at all, so the
 * app's KurrentDB user needs no metadata rights and the operators' rule "no application stream
 * carries retention metadata" (notes/event-stores.md §1) has no exception to reason about. Old
 * snapshots therefore stay; a snapshot is written only every N events of a stream (and only when
 * newer than the last), so they grow with the log at a fraction of its size. An operator who
 * wants them trimmed may set `$maxCount` on `sunlight-store-snapshot-*` streams as an admin:
 * only the last record is ever read.
 */
export class KurrentDbSnapshotStore implements SnapshotStore {
  /** Snapshots refused at load since start, for /metrics. */
  rejectedCount = 0;

  constructor(
    private readonly store: KurrentDbEventStore,
    private readonly options: KurrentDbSnapshotStoreOptions,
  ) {}

  async load(streamName: string, schemaVersion: number): Promise<Snapshot | undefined> {
    const last = await this.lastRecord(streamName);
    if (last === undefined) return undefined;
    const stored = parseRecord(streamName, last.data);
    if (stored.snapshot.schemaVersion !== schemaVersion) return undefined;
    const event = await this.eventAt(streamName, stored.snapshot.revision);
    const problem = snapshotSealProblem(
      this.options.sealKey,
      stored.snapshot,
      { seal: stored.seal, chainHash: stored.digest },
      event === undefined ? null : eventDigest(event),
    );
    if (problem === undefined) return stored.snapshot;
    this.rejectedCount += 1;
    this.options.onRejected?.({ streamName, revision: stored.snapshot.revision, reason: problem });
    return undefined;
  }

  async save(snapshot: Snapshot): Promise<void> {
    const event = await this.eventAt(snapshot.streamName, snapshot.revision);
    // A snapshot of a revision the log does not hold (yet) would never load; it is not taken.
    if (event === undefined) return;
    const last = await this.lastRecord(snapshot.streamName);
    if (last !== undefined) {
      const { snapshot: newest } = parseRecord(snapshot.streamName, last.data);
      if (newest.schemaVersion === snapshot.schemaVersion && newest.revision >= snapshot.revision) {
        return;
      }
    }
    const digest = eventDigest(event);
    const storeStream = storeStreamName('snapshot', snapshot.streamName);
    try {
      await this.store.appendStoreRecords(
        storeStream,
        [
          {
            eventId: derivedEventId(
              storeStream,
              snapshot.revision.toString(),
              String(snapshot.schemaVersion),
            ),
            type: snapshotTakenType,
            data: {
              streamName: snapshot.streamName,
              revision: snapshot.revision.toString(),
              schemaVersion: snapshot.schemaVersion,
              state: snapshot.state,
              eventDigest: digest.toString('hex'),
              seal: sealSnapshot(this.options.sealKey, snapshot, digest).toString('hex'),
            },
          },
        ],
        last?.revision ?? 'no_stream',
      );
    } catch (error) {
      // Another instance saved a snapshot of this stream meanwhile; a cache may skip one.
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }

  private async lastRecord(streamName: string): Promise<RecordedEvent | undefined> {
    for await (const record of this.store.readStream(storeStreamName('snapshot', streamName), {
      direction: 'backwards',
      maxCount: 1,
    })) {
      return record;
    }
    return undefined;
  }

  private async eventAt(streamName: string, revision: bigint): Promise<RecordedEvent | undefined> {
    for await (const event of this.store.readStream(streamName, {
      fromRevision: revision,
      maxCount: 1,
    })) {
      return event.revision === revision ? event : undefined;
    }
    return undefined;
  }
}

function parseRecord(
  streamName: string,
  data: JsonObject,
): { snapshot: Snapshot; seal: Buffer | null; digest: Buffer | null } {
  const { revision, schemaVersion, state, seal, eventDigest: digest } = data;
  if (
    typeof revision !== 'string' ||
    !/^\d+$/.test(revision) ||
    typeof schemaVersion !== 'number' ||
    typeof state !== 'object' ||
    state === null ||
    Array.isArray(state)
  ) {
    throw new TypeError(`the snapshot record of ${streamName} is malformed`);
  }
  return {
    snapshot: { streamName, revision: BigInt(revision), schemaVersion, state: state as JsonObject },
    seal: typeof seal === 'string' ? Buffer.from(seal, 'hex') : null,
    digest: typeof digest === 'string' ? Buffer.from(digest, 'hex') : null,
  };
}
