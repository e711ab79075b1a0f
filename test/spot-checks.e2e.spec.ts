// Proves over real HTTP that a commission's spot check (抽查) draws a sample of the households in its jurisdiction only, seeded by the log's chain hash at the named position, the same request answering the same draw and a second draw in the period leaving out what the first drew; visits are recorded on sampled items only; another county's commission gets 403 and bad input a 400 naming the field, neither writing anything; and `sunlight spot-check verify` recomputes each draw from the log (exit 0) and names a sample tampered in the database (exit 16).
import { Client } from 'pg';
import { loadDivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { spotCheckMismatchExitCode } from '../src/cli/spot-check.command';
import { actorClients, expectProblem, type ActorClient } from './support/api-client';
import { runSunlightInProcess } from './support/cli-run';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'spot-checks-e2e-secret-'.padEnd(48, 's');
const county = '530325';
const township = '530325102';
const registry = loadDivisionRegistry();
const villages = registry
  .childrenOf(township)
  .filter((division) => division.level === 'village')
  .slice(0, 3)
  .map((division) => division.code);
const otherCounty = '530322';
const otherVillage = (function firstVillage(code: string): string {
  const division = registry.get(code);
  if (division?.level === 'village') return code;
  return firstVillage((registry.childrenOf(code)[0] as { code: string }).code);
})(otherCounty);
const householdsPerVillage = 8;

const clerk: Actor = { id: 'clerk-ys', role: 'village_staff', division: township };
const otherClerk: Actor = { id: 'clerk-other', role: 'village_staff', division: otherCounty };
const commission: Actor = { id: 'jw-fy', role: 'commission', division: county };
const townshipCommission: Actor = { id: 'jw-ys', role: 'commission', division: township };
const otherCommission: Actor = { id: 'jw-other', role: 'commission', division: otherCounty };

function registration(householdId: string, villageCode: string) {
  return {
    householdId,
    villageCode,
    headName: '张三',
    address: '营上镇12号',
    identificationStandard: '国家',
    attribute: '一般贫困户',
    mainCause: '因病',
    otherCauses: ['缺技术'],
    bankName: '富源县农村信用合作联社',
    bankAccount: '6217000012345678',
    phone: '13800000000',
    identifiedYear: 2016,
  };
}

interface Drawn {
  spotCheckId: string;
  seedPosition: string;
  seedHash: string;
  populationSnapshot: { position: string; size: number; units: number; sha256: string };
  excluded: { count: number };
  sample: { units: string[]; items: { id: string; unit: string }[] };
  visits: { item: string; result: string }[];
  pending: number;
}

describe('spot checks over HTTP', () => {
  let databaseUrl: string;
  let started: TestApp;
  let as: (actor: Actor) => ActorClient;
  let db: Client;
  let first: Drawn;

  const head = async () =>
    Number((await db.query('SELECT coalesce(max(position), 0) AS head FROM events')).rows[0].head);
  const hashAt = async (position: number | string) =>
    (
      await db.query<{ hash: string }>(
        "SELECT encode(hash, 'hex') AS hash FROM events WHERE position = $1",
        [position],
      )
    ).rows[0]?.hash;
  const verify = (spotCheckId: string) =>
    runSunlightInProcess(['spot-check', 'verify', spotCheckId], { DATABASE_URL: databaseUrl });

  beforeAll(async () => {
    expect(villages).toHaveLength(3);
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'spot_checks');
    started = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret });
    as = actorClients(started.server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    for (const village of villages)
      for (let n = 1; n <= householdsPerVillage; n += 1)
        await as(clerk)
          .post('/households', registration(`hh-${village}-${n}`, village))
          .expect(201);
    await as(otherClerk)
      .post('/households', registration(`hh-${otherVillage}-1`, otherVillage))
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await started?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('draws perUnit households in `units` villages of the county, seeded by the chain hash at the named position', async () => {
    const seedPosition = await head();
    const body = {
      divisionCode: county,
      population: 'households',
      perUnit: 5,
      units: 2,
      seedPosition,
      period: '2026',
    };
    const response = await as(commission).post('/spot-checks', body).expect(201);
    first = response.body as Drawn;
    expect(first.spotCheckId).toMatch(/^sc-530325-[0-9a-f]{12}$/);
    expect(first.seedPosition).toBe(String(seedPosition));
    expect(first.seedHash).toBe(await hashAt(seedPosition));
    expect(first.populationSnapshot.size).toBe(villages.length * householdsPerVillage);
    expect(first.populationSnapshot.units).toBe(villages.length);
    expect(first.excluded.count).toBe(0);
    expect(first.sample.units).toHaveLength(2);
    expect(first.sample.items).toHaveLength(10);
    for (const item of first.sample.items) {
      expect(first.sample.units).toContain(item.unit);
      expect(item.id.startsWith(`hh-${item.unit}-`)).toBe(true);
    }
    expect(new Set(first.sample.items.map((item) => item.id)).size).toBe(10);

    // The same request answers the same draw and writes nothing.
    const before = await head();
    const again = await as(commission).post('/spot-checks', body).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first);
    expect(await head()).toBe(before);

    const { rows } = await db.query<{ type: string; data: { sample: unknown } }>(
      'SELECT type, data FROM events WHERE stream_name = $1',
      [`spotcheck-${first.spotCheckId}`],
    );
    expect(rows.map((row) => row.type)).toEqual(['SpotCheckDrawn']);
    expect(rows[0]?.data.sample).toEqual(first.sample);
  });

  it('leaves out what an earlier draw of the period drew, and a draw of another period does not', async () => {
    const seedPosition = await head();
    const second = (
      await as(townshipCommission)
        .post('/spot-checks', {
          divisionCode: township,
          population: 'households',
          perUnit: householdsPerVillage,
          seedPosition,
          period: '2026',
        })
        .expect(201)
    ).body as Drawn;
    const firstIds = new Set(first.sample.items.map((item) => item.id));
    expect(second.excluded.count).toBe(10);
    expect(second.sample.items).toHaveLength(villages.length * householdsPerVillage - 10);
    for (const item of second.sample.items) expect(firstIds.has(item.id)).toBe(false);

    // Everything is drawn in 2026 now: nothing is left (422), and nothing is written.
    const before = await head();
    expectProblem(
      await as(commission)
        .post('/spot-checks', {
          divisionCode: county,
          population: 'households',
          perUnit: 1,
          seedPosition: before,
          period: '2026',
        })
        .expect(422),
      422,
    );
    expect(await head()).toBe(before);

    const otherPeriod = (
      await as(commission)
        .post('/spot-checks', {
          divisionCode: county,
          population: 'households',
          perUnit: 1,
          units: 1,
          seedPosition: before,
          period: '2026-Q2',
        })
        .expect(201)
    ).body as Drawn;
    expect(otherPeriod.excluded.count).toBe(0);
    expect(otherPeriod.sample.items).toHaveLength(1);

    const listed = await as(commission).get(`/spot-checks?divisionCode=${county}`).expect(200);
    expect(listed.body.map((entry: { spotCheckId: string }) => entry.spotCheckId)).toEqual([
      otherPeriod.spotCheckId,
      second.spotCheckId,
      first.spotCheckId,
    ]);
    const townshipList = await as(townshipCommission)
      .get(`/spot-checks?divisionCode=${township}`)
      .expect(200);
    expect(townshipList.body.map((entry: { spotCheckId: string }) => entry.spotCheckId)).toEqual([
      second.spotCheckId,
    ]);
  });

  it('records one visit per sampled item, by a commission in jurisdiction', async () => {
    const item = (first.sample.items[0] as { id: string }).id;
    const visit = {
      item,
      result: 'inaccurate',
      remarks: '入户核实，家庭人口与档案不一致',
      visitedOn: '2026-03-15',
    };
    await as(commission).post(`/spot-checks/${first.spotCheckId}/visits`, visit).expect(201);
    const repeat = await as(commission)
      .post(`/spot-checks/${first.spotCheckId}/visits`, visit)
      .expect(200);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expectProblem(
      await as(commission)
        .post(`/spot-checks/${first.spotCheckId}/visits`, { ...visit, result: 'accurate' })
        .expect(409),
      409,
    );
    const outside = `hh-${otherVillage}-1`;
    expectProblem(
      await as(commission)
        .post(`/spot-checks/${first.spotCheckId}/visits`, { ...visit, item: outside })
        .expect(422),
      422,
    );
    const view = (await as(commission).get(`/spot-checks/${first.spotCheckId}`).expect(200))
      .body as Drawn;
    expect(view.visits).toEqual([
      expect.objectContaining({
        item,
        result: 'inaccurate',
        visitor: expect.objectContaining({ id: commission.id }),
      }),
    ]);
    expect(view.pending).toBe(9);
  });

  it('lets two draws of one period made at the same moment take no household twice', async () => {
    const seedPosition = await head();
    const draw = (seed: number) =>
      as(commission).post('/spot-checks', {
        divisionCode: county,
        population: 'households',
        perUnit: 4,
        seedPosition: seed,
        period: '2027',
      });
    const [one, two] = await Promise.all([draw(seedPosition), draw(seedPosition - 1)]);
    expect([one.status, two.status]).toEqual([201, 201]);
    const [a, b] = [one.body as Drawn, two.body as Drawn];
    const idsOf = (spotCheck: Drawn) => spotCheck.sample.items.map((item) => item.id);
    expect(idsOf(a).filter((id) => idsOf(b).includes(id))).toEqual([]);
    // The one written second read the first's draw and left its households out.
    expect([a.excluded.count, b.excluded.count].sort()).toEqual([0, villages.length * 4]);
  });

  it('refuses another county’s commission (403) and bad input (400 naming the field), writing nothing', async () => {
    const before = await head();
    const forbidden = [
      await as(otherCommission).get(`/spot-checks/${first.spotCheckId}`),
      await as(otherCommission).get(`/spot-checks?divisionCode=${county}`),
      await as(otherCommission).post(`/spot-checks/${first.spotCheckId}/visits`, {
        item: (first.sample.items[1] as { id: string }).id,
        result: 'accurate',
        remarks: '属实',
        visitedOn: '2026-03-15',
      }),
      await as(otherCommission).post('/spot-checks', {
        divisionCode: county,
        population: 'households',
        perUnit: 5,
        seedPosition: 1,
        period: '2026-Q3',
      }),
      await as(clerk).post('/spot-checks', {
        divisionCode: township,
        population: 'households',
        perUnit: 5,
        seedPosition: 1,
        period: '2026-Q3',
      }),
    ];
    for (const response of forbidden) expectProblem(response, 403);

    const valid = {
      divisionCode: county,
      population: 'households',
      perUnit: 5,
      seedPosition: 1,
      period: '2026-Q4',
    };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...valid, perUnit: 0 }, 'perUnit'],
      [{ ...valid, population: 'cats' }, 'population'],
      [{ ...valid, period: '26' }, 'period'],
      [{ ...valid, seedPosition: before + 1000 }, 'seedPosition'],
      [{ ...valid, divisionCode: '539999' }, 'divisionCode'],
    ];
    for (const [body, field] of bad) {
      const response = await as(commission).post('/spot-checks', body);
      expectProblem(response, 400);
      expect(JSON.stringify(response.body)).toContain(field);
    }
    expectProblem(await as(commission).get('/spot-checks/sc-530325-xyz'), 400);
    expect(await head()).toBe(before);
  });

  it('recomputes each draw from the log (exit 0) and names a tampered sample (exit 16)', async () => {
    const ok = await verify(first.spotCheckId);
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain(`match: spot check ${first.spotCheckId}`);

    const unknown = await verify('sc-530325-000000000000');
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('no spot check');

    // A superuser swaps a sampled household for a hand-picked one, behind the app's back.
    const all = villages.flatMap((village) =>
      Array.from({ length: householdsPerVillage }, (_, n) => `hh-${village}-${n + 1}`),
    );
    const sampled = new Set(first.sample.items.map((item) => item.id));
    const handPicked = all.find(
      (id) => !sampled.has(id) && id.includes(first.sample.units[0] as string),
    );
    expect(handPicked).toBeDefined();
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query(
      `UPDATE events SET data = jsonb_set(data, '{sample,items,0,id}', to_jsonb($1::text))
        WHERE stream_name = $2 AND type = 'SpotCheckDrawn'`,
      [handPicked, `spotcheck-${first.spotCheckId}`],
    );
    await db.query('COMMIT');
    const tampered = await verify(first.spotCheckId);
    expect(tampered.exitCode).toBe(spotCheckMismatchExitCode);
    expect(tampered.stderr).toContain('mismatch');
    expect(tampered.stderr).toContain('differs from the recorded one at item 1');
    expect(tampered.stderr).toContain(handPicked as string);
  });
});
