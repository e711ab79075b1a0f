import { randomUUID } from 'node:crypto';
import {
  consistencyProof,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  ed25519PrivateKeyFromSeed,
  eventLeafHash,
  inclusionProof,
  merkleRoot,
  openCheckpoint,
  readConsistencyProof,
  readInclusionProof,
  readRoot,
  verifyConsistency,
  verifyInclusion,
} from '@sunlight/integrity';
import type { EventStore, RecordedEvent } from '@sunlight/event-store';
import { LogIntegrator, type LogIntegratorOptions } from '../log-integrator';
import { LogChainBreakError } from '../transparency.errors';
import type { TreeStore } from '../tree-store.port';

/** What the suite needs of an adapter: a fresh log, its tree, and a way around the application. */
export interface TreeStoreFixture {
  readonly log: EventStore;
  readonly tree: TreeStore;
  /** Another handle on the same tree (a second instance). */
  readonly otherTree: TreeStore;
  /** Changes the data of the event at `position` as a superuser would, behind the application. */
  alterEventData(position: number, data: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export const testLogOrigin = 'sunlight.test/log';
const seed = Buffer.alloc(32, 7);
export const testLogSigner = ed25519NoteSigner(testLogOrigin, ed25519PrivateKeyFromSeed(seed));
export const testLogVerifier = ed25519NoteVerifier(testLogOrigin, testLogSigner.publicKey);

function integrator(tree: TreeStore, options: Partial<LogIntegratorOptions> = {}) {
  return new LogIntegrator(tree, {
    origin: testLogOrigin,
    signer: testLogSigner,
    checkpointEveryEvents: 10,
    checkpointIntervalMs: 3_600_000,
    batchSize: 7,
    ...options,
  });
}

async function appendEvents(log: EventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await log.appendToStream(
      `pool-f${i % 3}.530325`,
      [{ eventId: randomUUID(), type: 'AllocationSent', data: { i, 名: '富源县' }, metadata: {} }],
      { expectedRevision: 'any' },
    );
  }
}

async function leafHashes(log: EventStore): Promise<Buffer[]> {
  const events: RecordedEvent[] = [];
  for await (const event of log.readAll()) events.push(event);
  return events.map((event) =>
    eventLeafHash({
      position: event.position.replace(/^0+/, ''),
      stream: event.streamName,
      revision: event.revision.toString(),
      id: event.eventId,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt.toISOString(),
    }),
  );
}

async function integrateAll(integrator: LogIntegrator): Promise<void> {
  while ((await integrator.step()) > 0);
}

/** The TreeStore contract, run by each adapter's `*.contract.spec.ts`. */
export function treeStoreContract(name: string, open: () => Promise<TreeStoreFixture>): void {
  describe(`TreeStore contract: ${name}`, () => {
    let fixture: TreeStoreFixture;
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('gives, for every size up to the tree, the RFC 6962 root and proofs of the log as built in memory', async () => {
      await appendEvents(fixture.log, 37);
      await integrateAll(integrator(fixture.tree));
      expect(await fixture.tree.treeSize()).toBe(37);
      const leaves = await leafHashes(fixture.log);
      for (let size = 1; size <= 37; size += 1) {
        const root = merkleRoot(leaves.slice(0, size));
        expect((await readRoot(fixture.tree, size)).equals(root)).toBe(true);
        for (const index of [0, Math.floor(size / 2), size - 1]) {
          const proof = await readInclusionProof(fixture.tree, index, size);
          expect(proof).toEqual(inclusionProof(leaves.slice(0, size), index));
          verifyInclusion(leaves[index], index, size, proof, root);
        }
        for (const size1 of [1, Math.ceil(size / 3), size]) {
          const proof = await readConsistencyProof(fixture.tree, size1, size);
          expect(proof).toEqual(consistencyProof(leaves.slice(0, size), size1));
          verifyConsistency(size1, size, proof, merkleRoot(leaves.slice(0, size1)), root);
        }
      }
    });

    it('grows the same tree when two integrators follow the log at once', async () => {
      await appendEvents(fixture.log, 40);
      const a = integrator(fixture.tree, { batchSize: 3 });
      const b = integrator(fixture.otherTree, { batchSize: 5 });
      await Promise.all([integrateAll(a), integrateAll(b)]);
      expect(await fixture.tree.treeSize()).toBe(40);
      const leaves = await leafHashes(fixture.log);
      expect((await readRoot(fixture.tree, 40)).equals(merkleRoot(leaves))).toBe(true);
    });

    it('signs a checkpoint of the empty tree, then one each time the tree has grown by N events', async () => {
      const follower = integrator(fixture.tree, { batchSize: 4, checkpointEveryEvents: 10 });
      await follower.step();
      expect((await fixture.tree.latestCheckpoint())?.size).toBe(0);
      await appendEvents(fixture.log, 25);
      await integrateAll(follower);
      const sizes = (await fixture.tree.checkpoints(-1, 100)).map((c) => c.size);
      // Batches of 4: the tree reaches 12 (≥ 0 + 10), then 24 (≥ 12 + 10); 25 is not yet due.
      expect(sizes).toEqual([0, 12, 24]);
      const latest = await fixture.tree.latestCheckpoint();
      const opened = openCheckpoint(latest?.note ?? '', {
        origin: testLogOrigin,
        logVerifiers: [testLogVerifier],
      });
      expect(opened.checkpoint.size).toBe(24);
      const leaves = await leafHashes(fixture.log);
      expect(opened.checkpoint.rootHash.equals(merkleRoot(leaves.slice(0, 24)))).toBe(true);
    });

    it('signs the grown tree once the interval has passed, even below N events', async () => {
      let now = new Date('2026-12-01T00:00:00Z');
      const follower = integrator(fixture.tree, {
        checkpointEveryEvents: 1_000,
        checkpointIntervalMs: 5_000,
        now: () => now,
      });
      await appendEvents(fixture.log, 3);
      await integrateAll(follower);
      expect((await fixture.tree.latestCheckpoint())?.size).toBe(3);
      await appendEvents(fixture.log, 2);
      await integrateAll(follower);
      expect((await fixture.tree.latestCheckpoint())?.size).toBe(3);
      now = new Date(now.getTime() + 5_000);
      await follower.step();
      expect((await fixture.tree.latestCheckpoint())?.size).toBe(5);
    });

    it('stops before an event whose content no longer matches its chain hash, writing nothing of that step', async () => {
      await appendEvents(fixture.log, 12);
      await fixture.alterEventData(9, { i: 8, 名: '富源县', amountFen: '100000000' });
      const follower = integrator(fixture.tree, { batchSize: 5 });
      await follower.step();
      expect(await fixture.tree.treeSize()).toBe(5);
      const failure = follower.step();
      await expect(failure).rejects.toBeInstanceOf(LogChainBreakError);
      await expect(failure).rejects.toMatchObject({ position: 9 });
      expect(await fixture.tree.treeSize()).toBe(5);
      await expect(fixture.tree.getNodes([{ level: 0, index: 5 }])).rejects.toMatchObject({
        code: 'MERKLE.MISSING_NODE',
      });
    });

    it('keeps the latest cosignature of each witness per checkpoint', async () => {
      await integrator(fixture.tree).step();
      const line = (sig: string) => `— county-530325 ${sig}`;
      await fixture.tree.putCosignature(0, {
        witness: 'county-530325',
        signatureLine: line('AAAA'),
        receivedAt: new Date('2026-12-01T00:00:00Z'),
      });
      await fixture.tree.putCosignature(0, {
        witness: 'county-530325',
        signatureLine: line('BBBB'),
        receivedAt: new Date('2026-12-01T00:00:01Z'),
      });
      expect(await fixture.tree.cosignatures(0)).toEqual([
        expect.objectContaining({ witness: 'county-530325', signatureLine: line('BBBB') }),
      ]);
    });
  });
}
