// Proves that `sunlight verify` re-folds every snapshotted stream: genuine sealed snapshots pass (exit 0, counted on stdout), a snapshot row edited by a superuser is named by stream and revision with exit 4 (not the chain's 2), a snapshot sealed with another key is named too, and a log without snapshots is verified without any snapshot key being needed or generated.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { RecordedEvent } from '@sunlight/event-store';
import { PostgresEventStore, PostgresSnapshotStore } from '@sunlight/event-store/postgres';
import { poolSnapshotFolder, poolStreamName } from '@sunlight/funds';
import { runSunlight } from './support/cli-capture';
import { seedLedger } from './support/seed-ledger';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const sealKey = 'verify-snapshots-e2e-key-'.padEnd(48, 's');
const county = '530325';
const townships = ['530325102', '530325103'];

describe('sunlight verify and sealed snapshots', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let superuser: Client;
  let dataDir: string;
  let streams: string[];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      process.env.SUNLIGHT_TEST_PG_ADMIN_URL as string,
      'verify_snapshots',
    );
    store = await PostgresEventStore.open({ connectionString: databaseUrl });
    superuser = new Client({ connectionString: databaseUrl });
    await superuser.connect();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sunlight-verify-snapshots-'));
    const { fundIds } = await seedLedger(store, {
      county,
      townships,
      eventsPerPool: 30,
      fundIdPrefix: 'vs',
    });
    streams = fundIds.map((fundId, index) => poolStreamName(fundId, townships[index]));
  }, 120_000);

  afterAll(async () => {
    await superuser?.end();
    await store?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const verify = (env: Record<string, string> = { SUNLIGHT_SNAPSHOT_KEY: sealKey }) =>
    runSunlight(['verify', '--database-url', databaseUrl], { LOG_LEVEL: 'silent', ...env });

  /** What the command path writes: the fold of the stream up to `revision`, sealed with `key`. */
  async function takeSnapshot(stream: string, revision: bigint, key: string) {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(stream)) {
      if (event.revision <= revision) events.push(event);
    }
    await new PostgresSnapshotStore(store.pool, { sealKey: key }).save({
      streamName: stream,
      revision,
      schemaVersion: poolSnapshotFolder.schemaVersion,
      state: poolSnapshotFolder.fold(events),
    });
  }

  it('needs no snapshot key for a log without snapshots, and generates none', async () => {
    const run = await verify({ SUNLIGHT_DATA_DIR: dataDir });
    expect({ exitCode: run.exitCode, problems: run.problems }).toEqual({
      exitCode: 0,
      problems: [],
    });
    expect(run.stdout).toContain('verified 0 snapshots against the log\n');
    expect(existsSync(path.join(dataDir, 'snapshot-key'))).toBe(false);
  });

  it('passes genuine sealed snapshots', async () => {
    await takeSnapshot(streams[0], 20n, sealKey);
    await takeSnapshot(streams[1], 25n, sealKey);
    const run = await verify();
    expect({ exitCode: run.exitCode, problems: run.problems }).toEqual({
      exitCode: 0,
      problems: [],
    });
    expect(run.stdout).toContain('verified 2 snapshots against the log\n');
  });

  it('names a snapshot a superuser edited, with exit 4, while the chain stays intact', async () => {
    await superuser.query(
      `UPDATE snapshots SET state = jsonb_set(state, '{balanceFen}', '"100001500"') WHERE stream_name = $1`,
      [streams[0]],
    );
    const run = await verify();
    expect(run.exitCode).toBe(4);
    expect(run.stdout).toMatch(/^verified \d+ events; head position \d+; head hash [0-9a-f]{64}$/m);
    expect(run.problems).toEqual([
      `snapshot of ${streams[0]} at revision 20: its seal does not match its content`,
      `snapshot of ${streams[0]} at revision 20: its state differs from the fold of the log up to its revision`,
      expect.stringMatching(/^1 of 2 snapshots differ from the log or fail their seal/),
    ]);
  });

  it('names a snapshot sealed with another key, though its state is the true fold', async () => {
    await takeSnapshot(streams[1], 28n, 'another-installation-key-'.padEnd(48, 'x'));
    const run = await verify();
    expect(run.exitCode).toBe(4);
    expect(run.problems).toContain(
      `snapshot of ${streams[1]} at revision 28: its seal does not match its content`,
    );
    expect(run.problems.filter((line) => line.includes(streams[1]))).toHaveLength(1);
    expect(run.problems.at(-1)).toMatch(/^2 of 2 snapshots differ/);
  });
});
