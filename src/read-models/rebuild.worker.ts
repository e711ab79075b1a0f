/**
 * One projection's rebuild, in a worker thread of `sunlight projections rebuild` (see
 * rebuild-in-workers.ts). It opens its own connections, rebuilds, and reports to its parent by
 * message; it never throws past its own code, so the parent always gets `done` or `failed`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PostgresEventStore, projectorRoleName } from '@sunlight/event-store/postgres';
import { loadDivisionRegistry } from '@sunlight/geo';
import { ProjectionRunner } from '@sunlight/read-store';
import { appProjections } from './app-projections';
import { openReadStore } from './open-read-store';
import { rebuildStorageVersion } from './projection-versions';
import type { RebuildWorkerInput, RebuildWorkerMessage } from './rebuild-in-workers';

async function rebuild(
  input: RebuildWorkerInput,
  post: (message: RebuildWorkerMessage) => void,
): Promise<RebuildWorkerMessage> {
  const projection = appProjections(loadDivisionRegistry()).find(
    (candidate) => candidate.name === input.projection,
  );
  if (projection === undefined) throw new Error(`no projection named ${input.projection}`);
  // The parent prepared the database as its owner; here the projections' role does the work.
  const store = await PostgresEventStore.open({
    connectionString: input.databaseUrl,
    role: projectorRoleName,
    migrate: false,
    poolSize: 4,
  });
  try {
    // Opening connects to nothing yet: an unreachable log fails here, as the log's failure.
    await store.ping();
    const readStore = await openReadStore(input.readStore, input.databaseUrl, 4);
    try {
      const version = rebuildStorageVersion(
        projection.version,
        await readStore.activeVersion(projection.name),
      );
      const runner = new ProjectionRunner({
        store,
        readStore,
        projection: { ...projection, version },
        headPosition: () => store.headPosition(),
        ...input.runner,
      });
      const { events, ms } = await runner.rebuild({
        onProgress: (applied, head) => post({ kind: 'progress', applied, head }),
      });
      return { kind: 'done', version, events, ms };
    } finally {
      await readStore.close();
    }
  } finally {
    await store.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (message: RebuildWorkerMessage) => port.postMessage(message);
  // Reported once the connections are closed, so the parent may end the thread at once.
  rebuild(workerData as RebuildWorkerInput, post).then(post, (error: unknown) =>
    post({
      kind: 'failed',
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
}
