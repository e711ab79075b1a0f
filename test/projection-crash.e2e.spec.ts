// Proves that an app killed with SIGKILL while its projections work through a large backlog loses and double-counts nothing: the half-built read models are consistent with the log up to their checkpoint, and after a restart they equal an in-memory recompute of the whole log (`sunlight projections check` exits 0) and the dashboards equal figures folded independently from the raw events.
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { type RecordedEvent } from '@sunlight/event-store';
import { signAccessToken } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { dashboardsProjection, fundsReadIndexes, paymentsProjection } from '@sunlight/funds';
import { loadDivisionRegistry } from '@sunlight/geo';
import { compareWithStore, recompute, type Projection } from '@sunlight/read-store';
import { PostgresReadStore } from '@sunlight/read-store/postgres';
import { Client } from 'pg';
import {
  caughtUp,
  ensureBuilt,
  projectionsOf,
  startChildApp,
  waitForHealth,
  type ChildApp,
} from './support/child-app';
import { runSunlight } from './support/cli-capture';
import { figuresInYuan, headPosition, readRawEvents, subtreeFigures } from './support/raw-ledger';
import { seedLedger } from './support/seed-ledger';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { generationsPerVersion } from '../src/read-models/projection-versions';

const jwtSecret = 'projection-crash-secret-'.padEnd(48, 'k');
const county = '530325';
const townships = ['530325102', '530325103', '530325104', '530325105', '530325106', '530325107'];
const eventsPerPool = 3_400;
const registry = loadDivisionRegistry();
const projectionsByName = new Map<string, Projection>(
  [dashboardsProjection(registry), paymentsProjection].map((projection) => [
    projection.name,
    projection,
  ]),
);
/** Storage version of a first deployment's generation of a projection (generation 0 of its code version). */
const firstGeneration = (name: string) =>
  (projectionsByName.get(name) as Projection).version * generationsPerVersion;
const projectionNames = ['dashboards', 'payments'];

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the tests through jest.config.js (its globalSetup starts PostgreSQL)`,
    );
  return value;
}

describe('a projection killed with SIGKILL mid-backlog', () => {
  let databaseUrl: string;
  let db: Client;
  let head: bigint;
  const apps: ChildApp[] = [];
  const appEnv = () => ({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    PG_POOL_SIZE: '6',
    READ_STORE: 'postgres',
  });

  beforeAll(async () => {
    ensureBuilt();
    databaseUrl = await createTestDatabase(
      requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'),
      'projection_crash',
    );
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const store = await PostgresEventStore.open({ connectionString: databaseUrl });
    try {
      const seeded = await seedLedger(store, {
        county,
        townships,
        eventsPerPool,
        fundIdPrefix: 'crash-2026',
      });
      head = await headPosition(db);
      expect(BigInt(seeded.events)).toBe(head);
    } finally {
      await store.close();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function checkpointOf(projection: string): Promise<bigint | undefined> {
    try {
      const { rows } = await db.query<{ position: string }>(
        'SELECT position FROM sunlight_read.read_checkpoints WHERE projection = $1 AND version = $2',
        [projection, firstGeneration(projection)],
      );
      return rows[0] === undefined ? undefined : BigInt(rows[0].position);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return undefined; // the app has not migrated the read store yet
      throw error;
    }
  }

  it('has a backlog of more than 20,000 events', () => {
    expect(head).toBeGreaterThan(20_000n);
  });

  it('kills the app mid-way through the dashboards backlog, and the half-built read models match the log up to their checkpoint', async () => {
    const first = await startChildApp(appEnv());
    apps.push(first);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (first.child.exitCode !== null)
        throw new Error(`the app exited early:\n${first.output()}`);
      if (Date.now() > deadline)
        throw new Error(
          `the dashboards projection committed nothing within 60 s:\n${first.output()}`,
        );
      const position = await checkpointOf('dashboards');
      // A batch committed: catching up, a batch holds at most 10,000 events of the 20,000 and more.
      if (position !== undefined && position >= 2_000n) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const killedAt = await checkpointOf('dashboards');
    expect({ killedAt, head }).toEqual({ killedAt: expect.any(BigInt), head });
    expect(killedAt! > 0n && killedAt! < head).toBe(true);
    // Nothing was activated yet: a first deployment serves its generation only once caught up.
    const { rows } = await db.query(
      "SELECT version FROM sunlight_read.read_active_versions WHERE projection = 'dashboards'",
    );
    expect(rows).toEqual([]);

    // Documents and checkpoint commit together, so what the kill left is the log folded up to it.
    for (const projection of [dashboardsProjection(registry), paymentsProjection]) {
      const position = await checkpointOf(projection.name);
      if (position === undefined) continue;
      const { checked, differences } = await compareAt(projection, position);
      expect({ projection: projection.name, differences }).toEqual({
        projection: projection.name,
        differences: [],
      });
      expect(checked).toBeGreaterThan(0);
    }
  });

  it('restarts, catches up from the checkpoint and ends equal to a recompute of the whole log', async () => {
    const killedAt = await checkpointOf('dashboards');
    const second = await startChildApp(appEnv());
    apps.push(second);
    const ready = await waitForHealth(second, (body) => caughtUp(body, projectionNames), 60_000);
    const finalHead = await headPosition(db);
    expect(finalHead).toBe(head); // the funds processor found every appropriation already written
    for (const name of projectionNames) {
      expect({ name, position: BigInt(projectionsOf(ready)[name]!.position ?? '0') }).toEqual({
        name,
        position: head,
      });
    }
    expect(await checkpointOf('dashboards')).toBe(head);
    expect(killedAt! < head).toBe(true);

    const check = await runSunlight(['projections', 'check', '--database-url', databaseUrl], {
      READ_STORE: 'postgres',
      LOG_LEVEL: 'silent',
    });
    expect({ exitCode: check.exitCode, stderr: check.stderr }).toEqual({ exitCode: 0, stderr: '' });
    for (const name of projectionNames) {
      expect(check.stdout).toMatch(
        new RegExp(
          `^${name} \\(storage version ${firstGeneration(name)}, up to position 0*${head}\\): [1-9]\\d* documents checked, 0 differ$`,
          'm',
        ),
      );
    }

    // And against figures folded here from the raw rows: nothing lost, nothing counted twice.
    const events = await readRawEvents(db);
    const commission: Actor = { id: 'jw-53-crash', role: 'commission', division: '53' };
    const authorization = `Bearer ${signAccessToken(jwtSecret, { actor: commission })}`;
    for (const code of ['53', '5303', county, ...townships]) {
      const response = await fetch(`${second.baseUrl}/api/v1/dashboards/${code}`, {
        headers: { authorization },
      });
      expect({ code, status: response.status }).toEqual({ code, status: 200 });
      const view = (await response.json()) as { totals: Record<string, unknown> };
      const expected = figuresInYuan(subtreeFigures(events, code));
      expect({
        code,
        ...Object.fromEntries(Object.keys(expected).map((key) => [key, view.totals[key]])),
      }).toEqual({ code, ...expected });
    }
    await second.stop();
    // A graceful stop, not a kill: on SIGTERM the app drains HTTP, closes the app and its
    // database, and exits 0 (it used to re-raise the signal, which read as being killed).
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  /** The stored generation compared with the projection folded in memory up to `position`. */
  async function compareAt(projection: Projection, position: bigint) {
    const store = await PostgresEventStore.open({ connectionString: databaseUrl, migrate: false });
    const readStore = await PostgresReadStore.open({
      connectionString: databaseUrl,
      indexes: fundsReadIndexes,
      migrate: false,
    });
    try {
      async function* upTo(): AsyncIterable<RecordedEvent> {
        for await (const event of store.readAll()) {
          if (BigInt(event.position) > position) return;
          yield event;
        }
      }
      const expected = await recompute(projection, upTo());
      return await compareWithStore({
        readStore,
        projection: projection.name,
        version: firstGeneration(projection.name),
        expected,
      });
    } finally {
      await readStore.close();
      await store.close();
    }
  }
});
