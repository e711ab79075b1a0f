// Proves how the thread that serves HTTP sees the projections' worker thread: a runner reports
// what the thread last sent (live, with its position, without asking it), a thread that cannot
// open its connections fails the start under the error's own name, and a thread that ends
// abruptly leaves every runner in it stopped with the reason, and the next start a new thread.
import path from 'node:path';
import { ProjectionsThread } from '../src/read-models/projections-thread';
import { sourceProjectionsWorker } from './support/test-app';

const scripted = { file: path.join(__dirname, 'support', 'scripted-projections-worker.js') };
const input = {
  databaseUrl: 'postgres://nobody@127.0.0.1:1/nothing',
  readStore: { readStore: 'postgres' as const },
  poolSize: 1,
};

function threadOf(script = scripted, logged: string[] = []) {
  return new ProjectionsThread(
    script,
    input,
    { info: (message) => logged.push(message), error: (message) => logged.push(message) },
    async () => '00000000000000000009',
  );
}

describe('the projections thread', () => {
  it('reports a runner from what the thread sent: live, its position, its lag against the head', async () => {
    const logged: string[] = [];
    const thread = threadOf(scripted, logged);
    try {
      const runner = thread.runner('dashboards', 2000);
      expect(runner.livePosition()).toBeUndefined();
      await runner.start();
      await runner.whenCaughtUp();
      expect(runner.livePosition()).toEqual({ version: 2000, position: '00000000000000000007' });
      expect(await runner.status()).toMatchObject({
        projection: 'dashboards',
        version: 2000,
        state: 'live',
        lagEvents: 2,
        eventsApplied: 7,
      });
      expect(logged).toEqual(['projection starting']);
      await runner.stop();
      expect((await runner.status()).state).toBe('stopped');
      expect(runner.livePosition()).toBeUndefined();
    } finally {
      await thread.close();
    }
  });

  it('marks every runner stopped with the reason when the thread ends, and starts a new thread next time', async () => {
    const thread = threadOf();
    try {
      const dashboards = thread.runner('dashboards', 2000);
      await dashboards.start();
      await expect(thread.runner('crash', 1000).start()).rejects.toThrow(
        'the projections thread exited (code 3)',
      );
      expect(await dashboards.status()).toMatchObject({
        state: 'stopped',
        lastError: 'the projections thread exited (code 3)',
      });
      await expect(dashboards.whenCaughtUp()).rejects.toThrow('exited (code 3)');
      const again = thread.runner('dashboards', 2000);
      await again.start();
      await again.whenCaughtUp();
      expect((await again.status()).state).toBe('live');
    } finally {
      await thread.close();
    }
  });

  it('fails a start with the error the real worker met opening its connections, under its name', async () => {
    const thread = threadOf(sourceProjectionsWorker);
    try {
      const start = thread.runner('dashboards', 2000).start();
      await expect(start).rejects.toMatchObject({ name: 'EventStoreUnavailableError' });
    } finally {
      await thread.close();
    }
  });
});
