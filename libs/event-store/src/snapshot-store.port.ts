import type { JsonObject } from './event-store.port';

/**
 * Snapshots are derived data: a cache of a stream's folded state at one revision, so a long
 * stream loads as snapshot + tail. They live outside the log, are never audited, and can be
 * thrown away at any time; `schemaVersion` lets a new state shape ignore old snapshots.
 */
export interface Snapshot {
  streamName: string;
  revision: bigint;
  schemaVersion: number;
  state: JsonObject;
}

export interface SnapshotStore {
  load(streamName: string, schemaVersion: number): Promise<Snapshot | undefined>;
  /** Keeps the snapshot with the highest revision; an older one never replaces a newer one. */
  save(snapshot: Snapshot): Promise<void>;
}

/** A snapshot that failed its check and was not loaded: the stream folds from the log instead. */
export interface RejectedSnapshot {
  streamName: string;
  revision: bigint;
  reason: string;
}
