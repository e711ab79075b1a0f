// Proves the projection runner keeps a read model equal to an in-memory fold of the log, live, across restarts, after a crash in mid-batch, and through a rebuild beside the serving version, on the PostgreSQL and MongoDB read stores.
import { randomBytes } from 'node:crypto';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { type EventToAppend } from '@sunlight/event-store';
import { newEvent } from '@sunlight/event-store/testing';
import { eventually } from '../../../test/support/async';
import { mongoTargets } from '../../../test/support/mongo-server';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../test/support/test-database';
import { ProjectionVersionActiveError, ProjectionVersionRetiredError } from './errors';
import { MongoReadStore } from './mongodb/mongodb-read-store';
import { PostgresReadStore } from './postgres/postgres-read-store';
import type { Projection } from './projection';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner';
import type { ProjectionBatch, ReadDocument, ReadStore } from './read-store.port';
import { compareWithStore, recompute } from './recompute';
import { tallyProjection } from './testing/tally.projection';

interface RunnerTarget {
  label: string;
  /** Where the event store (always PostgreSQL) gets its database. */
  eventsAdminUrl: string;
  /** Whether a batch's documents and checkpoint commit together. */
  atomic: boolean;
  openReadStore(eventsDatabaseUrl: string): Promise<ReadStore>;
  /** What a crash between writing the documents and moving the checkpoint leaves behind. */
  writeDocumentsOnly?(store: ReadStore, batch: ProjectionBatch): Promise<void>;
}

const embeddedAdminUrl = postgresTargets()[0].adminUrl;
const targets: RunnerTarget[] = [
  ...postgresTargets().map((target) => ({
    label: target.label,
    eventsAdminUrl: target.adminUrl,
    atomic: true,
    // The read model lives in the event store's database, as in the default deployment.
    openReadStore: (eventsDatabaseUrl: string) =>
      PostgresReadStore.open({ connectionString: eventsDatabaseUrl, poolSize: 4 }),
  })),
  ...mongoTargets().map((target) => ({
    label: target.label,
    eventsAdminUrl: embeddedAdminUrl,
    atomic: false,
    openReadStore: () =>
      MongoReadStore.open({
        url: target.url,
        databaseName: `sunlight_test_runner_${randomBytes(4).toString('hex')}`,
      }),
    writeDocumentsOnly: (store: ReadStore, batch: ProjectionBatch) =>
      (store as MongoReadStore).writeDocuments(batch),
  })),
];

/** Delegates to a store, but its `crashOnCommit`-th batch with documents fails (once). */
class CrashingReadStore implements ReadStore {
  private commits = 0;
  crashed = false;

  /** Batches with documents committed (or attempted). */
  get documentBatches(): number {
    return this.commits;
  }

  constructor(
    private readonly inner: ReadStore,
    private readonly crashOnCommit: number,
    private readonly writeDocumentsOnly?: (
      store: ReadStore,
      batch: ProjectionBatch,
    ) => Promise<void>,
  ) {}

  async commitBatch(batch: ProjectionBatch): Promise<void> {
    if (batch.documents.length > 0) {
      this.commits += 1;
      if (this.commits === this.crashOnCommit) {
        // A transactional store rolls the whole batch back; the others keep the documents.
        await this.writeDocumentsOnly?.(this.inner, batch);
        this.crashed = true;
        throw new Error('simulated crash between the documents and the checkpoint');
      }
    }
    return this.inner.commitBatch(batch);
  }
  getMany: ReadStore['getMany'] = (...args) => this.inner.getMany(...args);
  get: ReadStore['get'] = (...args) => this.inner.get(...args);
  find: ReadStore['find'] = (...args) => this.inner.find(...args);
  checkpoint: ReadStore['checkpoint'] = (...args) => this.inner.checkpoint(...args);
  activeVersion: ReadStore['activeVersion'] = (...args) => this.inner.activeVersion(...args);
  activateVersion: ReadStore['activateVersion'] = (...args) => this.inner.activateVersion(...args);
  dropVersion: ReadStore['dropVersion'] = (...args) => this.inner.dropVersion(...args);
  close: ReadStore['close'] = () => Promise.resolve();
}

const codes = ['530325102', '530325103', '530302', '532301', '5303', '530381'];

function tallyEvent(i: number): { stream: string; event: EventToAppend } {
  const code = codes[i % codes.length];
  const type = i % 7 === 6 ? 'Uncounted' : 'Counted';
  return {
    stream: `tally-${code}`,
    event: newEvent(type, { code, amount: 100 + ((i * 37) % 900) }),
  };
}

for (const target of targets) {
  describe(`ProjectionRunner on ${target.label}`, () => {
    let eventsDatabaseUrl: string;
    let events: PostgresEventStore;
    let readStore: ReadStore;
    let appended = 0;
    const runners: ProjectionRunner[] = [];

    beforeEach(async () => {
      eventsDatabaseUrl = await createTestDatabase(target.eventsAdminUrl, 'runner');
      events = await PostgresEventStore.open({
        connectionString: eventsDatabaseUrl,
        pollIntervalMs: 100,
      });
      readStore = await target.openReadStore(eventsDatabaseUrl);
      appended = 0;
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.stop()));
      await readStore.close();
      await events.close();
      await dropTestDatabase(eventsDatabaseUrl);
    });

    const runner = (projection: Projection, options: Partial<ProjectionRunnerOptions> = {}) => {
      const created = new ProjectionRunner({
        store: events,
        readStore,
        projection,
        batchSizeMax: 5,
        batchWaitMs: 5,
        // Small catch-up batches too, so a crash can fall in the middle of catching up.
        catchUpBatchSizeMax: 5,
        catchUpBatchWaitMs: 5,
        checkpointInterval: 25,
        retryDelayMsMin: 10,
        retryDelayMsMax: 50,
        headPosition: () => events.headPosition(),
        ...options,
      });
      runners.push(created);
      return created;
    };
    /** Appends `count` tally events, with events of another stream in between. */
    const appendTallies = async (count: number, noiseEvery = 3) => {
      for (let i = 0; i < count; i += 1) {
        const { stream, event } = tallyEvent(appended);
        appended += 1;
        await events.appendToStream(stream, [event], { expectedRevision: 'any' });
        if (i % noiseEvery === 0)
          await events.appendToStream(`other-${i % 4}`, [newEvent('Unrelated', { i })], {
            expectedRevision: 'any',
          });
      }
    };
    const expectMatchesTheLog = async (projection: Projection) => {
      const expected = await recompute(projection, events.readAll());
      const { checked, differences } = await compareWithStore({
        readStore,
        projection: projection.name,
        version: projection.version,
        expected,
      });
      expect(differences).toEqual([]);
      expect(checked).toBe(expected.size);
      return expected;
    };
    const rootCount = async () => (await readStore.get('tally', 'totals', 'all'))?.count;

    it('reports a stalled projection with the position and error of the event it cannot apply', async () => {
      const poisoned: Projection = {
        ...tallyProjection(1),
        apply(current, event, key, before) {
          if (event.data.poison === true) throw new Error('cannot count a poisoned tally');
          return tallyProjection(1).apply(current, event, key, before);
        },
      };
      await appendTallies(6);
      const poison = await events.appendToStream(
        'tally-530325102',
        [newEvent('Counted', { code: '530325102', amount: 1, poison: true })],
        { expectedRevision: 'any' },
      );
      const live = runner(poisoned);
      await live.start();
      await eventually(async () =>
        expect(await live.status()).toMatchObject({
          state: 'stalled',
          failedPosition: poison.position,
          lastError: expect.stringContaining('cannot count a poisoned tally'),
        }),
      );
      expect((await live.status()).failures).toBeGreaterThanOrEqual(3);
      // Everything before the poisoned event is in the read model; it moves no further.
      expect((await live.status()).position).not.toBe(poison.position);
    });

    it('catches up, activates its version, then follows the log live', async () => {
      await appendTallies(40);
      const live = runner(tallyProjection(1));
      await live.start();
      await live.whenCaughtUp();
      expect(await readStore.activeVersion('tally')).toBe(1);
      const expected = await expectMatchesTheLog(tallyProjection(1));
      expect(expected.get('totals/all')).toMatchObject({ count: 40 - 2 * Math.floor(40 / 7) });
      expect(await live.status()).toMatchObject({
        projection: 'tally',
        version: 1,
        state: 'live',
        position: await events.headPosition(),
        lagEvents: 0,
        lagMs: 0,
        eventsApplied: 40,
      });

      await appendTallies(12);
      const head = await events.headPosition();
      await eventually(async () => expect((await live.status()).position).toBe(head));
      await expectMatchesTheLog(tallyProjection(1));
      expect((await live.status()).eventsApplied).toBe(52);
    });

    it('catches up in large batches, then follows the log in small ones', async () => {
      await appendTallies(30);
      const counting = new CrashingReadStore(readStore, Number.POSITIVE_INFINITY);
      const live = runner(tallyProjection(1), {
        readStore: counting,
        catchUpBatchSizeMax: 1_000,
        catchUpBatchWaitMs: 1_000,
      });
      await live.start();
      await live.whenCaughtUp();
      // All 30 events (and the unrelated ones between them) in one batch of documents.
      expect(counting.documentBatches).toBe(1);
      await expectMatchesTheLog(tallyProjection(1));

      const batch = Array.from({ length: 12 }, (_, i) => tallyEvent(i * 7).event);
      await events.appendToStream('tally-530325102', batch, { expectedRevision: 'any' });
      const head = await events.headPosition();
      await eventually(async () => expect((await live.status()).position).toBe(head));
      // Live: at most 5 events a batch.
      expect(counting.documentBatches).toBeGreaterThanOrEqual(1 + 12 / 5);
      await expectMatchesTheLog(tallyProjection(1));
    });

    it('reads back the documents its cache evicted, losing and repeating nothing, while catching up and live', async () => {
      await appendTallies(60);
      // Two documents cached of the ten the tallies touch: most are evicted between batches.
      const live = runner(tallyProjection(1), {
        catchUpDocumentCacheMax: 2,
        documentCacheMax: 2,
        catchUpBatchSizeMax: 3,
        batchSizeMax: 2,
      });
      await live.start();
      await live.whenCaughtUp();
      await expectMatchesTheLog(tallyProjection(1));

      await appendTallies(26); // the last one a tally, not an unrelated event the runner skips
      const head = await events.headPosition();
      await eventually(async () => expect((await live.status()).position).toBe(head));
      const expected = await expectMatchesTheLog(tallyProjection(1));
      expect(expected.get('totals/all')).toMatchObject({ count: 86 - 2 * Math.floor(86 / 7) });
    });

    it('resumes from its checkpoint after a restart without counting anything twice', async () => {
      await appendTallies(30);
      const first = runner(tallyProjection(1));
      await first.start();
      await first.whenCaughtUp();
      await first.stop();
      const countBefore = await rootCount();

      await appendTallies(20);
      const stopped = await first.status();
      expect(stopped.state).toBe('stopped');
      expect(stopped.lagEvents).toBeGreaterThan(20);
      expect(stopped.lagMs).toBeGreaterThanOrEqual(0);

      const second = runner(tallyProjection(1));
      await second.start();
      await second.whenCaughtUp();
      expect((await second.status()).eventsApplied).toBe(20);
      expect(await rootCount()).not.toBe(countBefore);
      await expectMatchesTheLog(tallyProjection(1));
    });

    // The first batch: restarting, the version has no checkpoint and reads nothing back (whatever
    // a non-atomic store kept of the crashed batch is rebuilt and overwritten).
    it.each([1, 3])(
      `recovers from a crash in batch %i (${target.atomic ? 'rolled back' : 'documents written, checkpoint not'}) when restarted`,
      async (crashOnCommit) => {
        await appendTallies(40);
        const crashing = new CrashingReadStore(readStore, crashOnCommit, target.writeDocumentsOnly);
        const first = runner(tallyProjection(1), {
          readStore: crashing,
          retryDelayMsMin: 60_000,
          retryDelayMsMax: 60_000,
        });
        await first.start();
        await eventually(async () => expect((await first.status()).state).toBe('retrying'));
        expect(crashing.crashed).toBe(true);
        expect((await first.status()).lastError).toMatch(/simulated crash/);
        await first.stop();

        // Larger batches on restart, so the replay's batches straddle the crashed one: without the
        // skip rule its events would count twice in documents that then move past them.
        const second = runner(tallyProjection(1), { batchSizeMax: 50, catchUpBatchSizeMax: 50 });
        await second.start();
        await second.whenCaughtUp();
        await expectMatchesTheLog(tallyProjection(1));
      },
    );

    it('retries a failed batch by itself from its checkpoint and ends equal to the log', async () => {
      await appendTallies(30);
      const crashing = new CrashingReadStore(readStore, 2, target.writeDocumentsOnly);
      const live = runner(tallyProjection(1), { readStore: crashing });
      await live.start();
      await live.whenCaughtUp();
      expect(crashing.crashed).toBe(true);
      await expectMatchesTheLog(tallyProjection(1));
    });

    it('rebuilds version 2 while version 1 keeps serving, then switches', async () => {
      await appendTallies(30);
      const v1 = runner(tallyProjection(1));
      await v1.start();
      await v1.whenCaughtUp();

      const servedDuringRebuild: Promise<unknown>[] = [];
      const progress: [number, string | undefined][] = [];
      const rebuilder = runner(tallyProjection(2));
      const result = await rebuilder.rebuild({
        onProgress: (eventsApplied, head) => {
          progress.push([eventsApplied, head]);
          servedDuringRebuild.push(readStore.get('tally', 'totals', 'all'));
        },
      });
      expect(result.events).toBe(30);
      expect(result.ms).toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.map(([count]) => count)).toEqual(
        [...progress.map(([count]) => count)].sort((a, b) => a - b),
      );
      expect(progress[progress.length - 1]).toEqual([30, await events.headPosition()]);
      for (const served of await Promise.all(servedDuringRebuild))
        expect(served).not.toHaveProperty('version');

      expect(await readStore.activeVersion('tally')).toBe(2);
      expect(await readStore.get('tally', 'totals', 'all')).toMatchObject({ version: 2 });
      await expectMatchesTheLog(tallyProjection(2));
      expect(await readStore.checkpoint('tally', 1)).toEqual({ position: undefined, version: 1 });

      // The old runner cannot write its retired version any more, and stops.
      await appendTallies(1);
      await eventually(async () => expect((await v1.status()).state).toBe('retired'));
      expect((await v1.status()).lastError).toMatch(/ProjectionVersionRetiredError/);
      await expect(runner(tallyProjection(1)).start()).rejects.toBeInstanceOf(
        ProjectionVersionRetiredError,
      );
      await expect(runner(tallyProjection(2)).rebuild()).rejects.toBeInstanceOf(
        ProjectionVersionActiveError,
      );

      // Started on the active version 2, a runner resumes from the rebuild's checkpoint.
      const v2 = runner(tallyProjection(2));
      await v2.start();
      await v2.whenCaughtUp();
      expect((await v2.status()).eventsApplied).toBe(1);
      await expectMatchesTheLog(tallyProjection(2));
    });

    it('started live with a new version, fills it beside the active one and switches on catching up', async () => {
      await appendTallies(20);
      const v1 = runner(tallyProjection(1));
      await v1.start();
      await v1.whenCaughtUp();
      await v1.stop();

      const served: unknown[] = [];
      const spying: ReadStore = Object.assign(Object.create(readStore) as ReadStore, {
        commitBatch: async (batch: ProjectionBatch) => {
          // Read before committing, so the read cannot land after the switch it is meant to precede.
          served.push(await readStore.get('tally', 'totals', 'all'));
          return readStore.commitBatch(batch);
        },
      });
      const filling = runner(tallyProjection(2), { readStore: spying });
      await filling.start();
      await filling.whenCaughtUp();
      for (const document of served) expect(document).not.toHaveProperty('version');
      expect(await readStore.activeVersion('tally')).toBe(2);
      await expectMatchesTheLog(tallyProjection(2));
    });

    it('advances its checkpoint through long stretches of events it does not read', async () => {
      await appendTallies(3);
      const committed: ProjectionBatch[] = [];
      const spying: ReadStore = Object.assign(Object.create(readStore) as ReadStore, {
        commitBatch: (batch: ProjectionBatch) => {
          committed.push(batch);
          return readStore.commitBatch(batch);
        },
      });
      const live = runner(tallyProjection(1), { readStore: spying });
      await live.start();
      await live.whenCaughtUp();
      committed.length = 0;
      const unrelated = Array.from({ length: 200 }, (_, i) => newEvent('Unrelated', { i }));
      for (let i = 0; i < unrelated.length; i += 50) {
        await events.appendToStream('other-bulk', unrelated.slice(i, i + 50), {
          expectedRevision: 'any',
        });
      }
      const head = await events.headPosition();
      await eventually(async () =>
        expect((await readStore.checkpoint('tally', 1)).position).toBe(head),
      );
      expect(committed.every((batch) => batch.documents.length === 0)).toBe(true);
      expect(committed.length).toBeGreaterThan(0);
      expect((await live.status()).lagEvents).toBe(0);
    });

    it('reports a document that differs from the recomputed one, and one that is missing', async () => {
      await appendTallies(10);
      const live = runner(tallyProjection(1));
      await live.start();
      await live.whenCaughtUp();
      await live.stop();
      const expected = await recompute(tallyProjection(1), events.readAll());
      const head = (await events.headPosition()) as string;
      const tampered = {
        ...(expected.get('divisions/53') as ReadDocument),
        count: 999,
        lastPosition: head,
      };
      await readStore.commitBatch({
        projection: 'tally',
        version: 1,
        documents: [{ collection: 'divisions', document: tampered }],
        position: head,
      });
      expected.set('divisions/99', { id: '99', lastPosition: head, count: 1 });
      const { differences } = await compareWithStore({
        readStore,
        projection: 'tally',
        version: 1,
        expected,
      });
      expect(differences.map((difference) => [difference.key, difference.kind])).toEqual([
        ['divisions/53', 'different'],
        ['divisions/99', 'missing'],
        ['divisions/*', 'countDiffers'],
      ]);
    });
  });
}
