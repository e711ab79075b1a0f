// How a rebuild worker's failures reach its parent and the CLI. Successful rebuilds in workers are
// proven end to end (test/read-models.e2e.spec.ts: `sunlight projections rebuild` with every projection).
import path from 'node:path';
import { builtCli, ensureBuilt } from './support/child-app';
import { runSunlight } from './support/cli-capture';
import { loadDivisionRegistry } from '@sunlight/geo';
import { appProjections } from '../src/read-models/app-projections';
import { rebuildInWorkers, RebuildFailedError } from '../src/read-models/rebuild-in-workers';

// Worker threads start compiled JavaScript only: the build `npm test` made.
const workerFile = path.join(path.dirname(builtCli), 'read-models', 'rebuild.worker.js');

describe('rebuildInWorkers', () => {
  beforeAll(() => ensureBuilt());

  it("settles each projection with the error its worker met, under that error's name, without stopping the others", async () => {
    const outcomes = await rebuildInWorkers({
      // Nothing listens on port 1: the worker cannot open the event store.
      databaseUrl: 'postgres://nobody@127.0.0.1:1/nothing',
      readStore: { readStore: 'postgres' },
      projections: ['dashboards', 'payments', 'no-such-projection'],
      workerFile,
    });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reasons = outcomes.map(
      (outcome) => (outcome as PromiseRejectedResult).reason as RebuildFailedError,
    );
    for (const reason of reasons) expect(reason).toBeInstanceOf(RebuildFailedError);
    expect(reasons.map((reason) => [reason.projection, reason.name])).toEqual([
      ['dashboards', 'EventStoreUnavailableError'],
      ['payments', 'EventStoreUnavailableError'],
      ['no-such-projection', 'Error'],
    ]);
    expect(reasons[2]?.message).toBe('no projection named no-such-projection');
  });

  it('fails a projection whose worker script cannot start', async () => {
    const [outcome] = await rebuildInWorkers({
      databaseUrl: 'postgres://nobody@127.0.0.1:1/nothing',
      readStore: { readStore: 'postgres' },
      projections: ['dashboards'],
      workerFile: path.join(path.dirname(workerFile), 'no-such.worker.js'),
    });
    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringContaining('no-such.worker.js') }),
    });
  });

  it('makes `sunlight projections rebuild` name every projection that failed and exit 1', async () => {
    const run = await runSunlight(
      ['projections', 'rebuild', '--database-url', 'postgres://nobody@127.0.0.1:1/nothing'],
      { LOG_LEVEL: 'silent' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    // Every projection the app runs, whichever contexts add them.
    const names = appProjections(loadDivisionRegistry()).map((projection) => projection.name);
    expect(names.slice(0, 3)).toEqual(['dashboards', 'payments', 'households']);
    expect(lines).toEqual([
      ...names.map((name) =>
        expect.stringMatching(
          new RegExp(`^rebuild of ${name} failed: EventStoreUnavailableError: `),
        ),
      ),
      `${names.length} of ${names.length} projections were not rebuilt; their serving versions stay active`,
    ]);
  });
});
