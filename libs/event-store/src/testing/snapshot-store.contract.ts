/**
 * The shared contract of a SnapshotStore beside its log: a snapshot saved at a revision the log
 * holds loads back as saved; an older one never replaces a newer one; another schema version
 * neither loads nor blocks a save; a snapshot of a revision the log does not hold is not taken;
 * a store with another seal key refuses the snapshot and reports it. Adapters call
 * `describeSnapshotStoreContract` from their own spec; stream names are unique per run.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../event-store.port';
import type { RejectedSnapshot, SnapshotStore } from '../snapshot-store.port';
import { newEvent } from './event-store.contract';

export interface SnapshotStoreContractHarness {
  /** The log the snapshots are taken of; called once per suite. */
  openLog(): Promise<EventStore>;
  /** A snapshot store beside that log, sealing with `sealKey`. */
  snapshotStore(
    log: EventStore,
    sealKey: string,
    onRejected: (rejected: RejectedSnapshot) => void,
  ): SnapshotStore;
  close(): Promise<void>;
}

const sealKey = 'snapshot-contract-seal-key'.padEnd(48, 'k');

export function describeSnapshotStoreContract(
  label: string,
  harness: SnapshotStoreContractHarness,
): void {
  describe(`SnapshotStore contract: ${label}`, () => {
    let log: EventStore;
    let snapshots: SnapshotStore;
    const rejected: RejectedSnapshot[] = [];

    beforeAll(async () => {
      log = await harness.openLog();
      snapshots = harness.snapshotStore(log, sealKey, (snapshot) => rejected.push(snapshot));
    });
    afterAll(async () => {
      await harness.close();
    });

    /** A stream of `count` events (revisions 0..count-1). */
    async function streamOf(count: number): Promise<string> {
      const streamName = `snap-${randomUUID()}`;
      await log.appendToStream(
        streamName,
        Array.from({ length: count }, (_, index) => newEvent('Counted', { index })),
        { expectedRevision: 'no_stream' },
      );
      return streamName;
    }
    const snapshot = (streamName: string, revision: bigint, schemaVersion = 1) => ({
      streamName,
      revision,
      schemaVersion,
      state: { total: `${revision}00.00`, names: ['张三'], nested: { ok: true } },
    });

    it('loads a saved snapshot back as saved, and nothing for a stream never snapshotted', async () => {
      const streamName = await streamOf(3);
      await snapshots.save(snapshot(streamName, 2n));
      expect(await snapshots.load(streamName, 1)).toEqual(snapshot(streamName, 2n));
      expect(await snapshots.load(await streamOf(1), 1)).toBeUndefined();
    });

    it('keeps the newest: a newer snapshot replaces, an older one does not', async () => {
      const streamName = await streamOf(4);
      await snapshots.save(snapshot(streamName, 1n));
      await snapshots.save(snapshot(streamName, 3n));
      await snapshots.save(snapshot(streamName, 2n));
      expect((await snapshots.load(streamName, 1))?.revision).toBe(3n);
    });

    it('loads nothing for another schema version, and a new schema version replaces the old', async () => {
      const streamName = await streamOf(3);
      await snapshots.save(snapshot(streamName, 2n, 1));
      expect(await snapshots.load(streamName, 2)).toBeUndefined();
      await snapshots.save(snapshot(streamName, 1n, 2));
      expect(await snapshots.load(streamName, 2)).toEqual(snapshot(streamName, 1n, 2));
      expect(await snapshots.load(streamName, 1)).toBeUndefined();
    });

    it('does not take a snapshot of a revision the log does not hold', async () => {
      const streamName = await streamOf(2);
      await snapshots.save(snapshot(streamName, 5n));
      expect(await snapshots.load(streamName, 1)).toBeUndefined();
    });

    it('refuses, and reports, a snapshot whose seal another key made', async () => {
      const streamName = await streamOf(2);
      await snapshots.save(snapshot(streamName, 1n));
      const otherKey = harness.snapshotStore(log, 'another-seal-key'.padEnd(48, 'x'), (snap) =>
        rejected.push(snap),
      );
      const before = rejected.length;
      expect(await otherKey.load(streamName, 1)).toBeUndefined();
      expect(rejected.slice(before)).toEqual([
        { streamName, revision: 1n, reason: 'its seal does not match its content' },
      ]);
    });
  });
}
