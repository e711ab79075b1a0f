// Proves `sunlight demo` loads 富源县 into an empty store (here with --households 40): every household registered in a real village of 530325 with members whose ID numbers pass GB 11643 and agree with their birth date and sex, incomes of 2018 around the 3,500-yuan line (some households exit, some do not), a fund line allocated province → prefecture → county → townships and a paid subsidy on every household's card, the county dashboards filled — and that a second run on the now non-empty store exits 1 with a clear message and writes nothing.
import { Client } from 'pg';
import { idNumberCheckDigit, isValidIdNumber, loadDivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { actorClients, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { runSunlight } from './support/cli-capture';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'demo-e2e-secret-'.padEnd(48, 'x');
const households = 40;
const commission: Actor = { id: 'jw', role: 'commission', division: '530325' };

describe('sunlight demo', () => {
  let databaseUrl: string;
  let started: TestApp | undefined;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  const env = () => ({ JWT_SECRET: jwtSecret, LOG_LEVEL: 'silent', PG_POOL_SIZE: '4' });
  const eventCount = async (): Promise<number> =>
    Number((await db.query<{ count: string }>('SELECT count(*) FROM events')).rows[0]?.count);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'demo');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('loads the county into an empty store', async () => {
    const run = await runSunlight(
      ['demo', '--households', String(households), '--database-url', databaseUrl],
      env(),
    );
    expect(run.problems).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.lastLine).toMatch(
      new RegExp(
        `^demo loaded 富源县 \\(530325\\): ${households} households, \\d+ people, \\d+ exited, [\\d.]+ yuan paid`,
      ),
    );

    const registry = loadDivisionRegistry();
    const registered = await db.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM events WHERE type = 'HouseholdRegistered'",
    );
    expect(registered.rows).toHaveLength(households);
    for (const { data } of registered.rows) {
      const village = registry.get(data.villageCode as string);
      expect(village?.level).toBe('village');
      expect((data.villageCode as string).startsWith('530325')).toBe(true);
    }
    const members = await db.query<{ data: Record<string, string> }>(
      "SELECT data FROM events WHERE type = 'MemberAdded'",
    );
    expect(members.rows.length).toBeGreaterThanOrEqual(households);
    for (const { data } of members.rows) {
      const id = data.idNumber as string;
      expect(isValidIdNumber(id)).toBe(true);
      expect(id[17]).toBe(idNumberCheckDigit(id.slice(0, 17)));
      expect(data.birthDate).toBe(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
      expect(data.sex).toBe(Number(id[16]) % 2 === 1 ? '男' : '女');
    }
    const evaluations = await db.query<{ met: boolean }>(
      "SELECT (data->>'met')::boolean AS met FROM events WHERE type = 'ExitEvaluated'",
    );
    const met = evaluations.rows.filter((row) => row.met).length;
    expect(met).toBeGreaterThan(0);
    expect(met).toBeLessThan(households);
    const allocations = await db.query<{ stream_name: string }>(
      "SELECT stream_name FROM events WHERE type = 'AllocationReceived' ORDER BY position",
    );
    const levels = allocations.rows.map((row) => row.stream_name.split('.').at(-1)?.length);
    expect(levels.slice(0, 2)).toEqual([4, 6]);
    expect(new Set(levels.slice(2))).toEqual(new Set([9]));
    const paid = await db.query<{ count: string }>(
      "SELECT count(*) FROM events WHERE type = 'DisbursementPaid'",
    );
    expect(Number(paid.rows[0]?.count)).toBe(households);

    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);
    const householdId = registered.rows[0]?.data.householdId as string;
    const card = await eventually(async () => {
      const response = await as(commission).get(`/households/${householdId}/card`).expect(200);
      expect(response.body.payments).toHaveLength(1);
      return response.body;
    }, 60_000);
    expect(card.payments[0]).toMatchObject({ status: 'paid', fundId: 'yn-2018-cyfz-demo' });
    await eventually(async () => {
      const dashboard = await as(commission).get('/dashboards/530325/households').expect(200);
      expect(dashboard.body).toMatchObject({ households, exitedTotal: met });
    }, 60_000);
  }, 300_000);

  it('refuses a store that already holds events, writing nothing', async () => {
    const before = await eventCount();
    const run = await runSunlight(
      ['demo', '--households', '5', '--database-url', databaseUrl],
      env(),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/only into an empty event store.*already holds events/);
    expect(await eventCount()).toBe(before);
  }, 120_000);
});
