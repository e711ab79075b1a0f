// Proves `sunlight demo --scenario fuyuan --api` loads the seed's case through the running API
// (here at --scale 0.04: every planted case, fewer clean applicants and unrelated registry rows):
// the six registry snapshots imported with only the planted wrong-check-digit rows refused, the
// three rosters uploaded, parsed, approved by another person and paid by the bank's file, and
// every line of the fabricated industry roster traced to its upload, file hash, uploader, approver
// and payment (or, for a bad ID number, refused at parsing and never paid). Then the commission's
// cross-checks over the API find exactly the planted 202 / 51 / 7 / 2 applicants and none of the
// noise, flag every paid line of the fabricated roster, and raise nothing new when run again.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDivisionRegistry, normaliseIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { fuyuanPlanted, planFuyuanScenario } from '../src/demo/fuyuan/fuyuan-scenario';
import { fuyuanActors, type FuyuanLoadSummary } from '../src/demo/fuyuan/load-fuyuan';
import { actorClients, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { runSunlight } from './support/cli-capture';
import { requireEnv, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'demo-fuyuan-e2e-secret-'.padEnd(48, 'f');
const scale = 0.04;

describe('sunlight demo --scenario fuyuan', () => {
  const scenario = planFuyuanScenario(loadDivisionRegistry(), { scale });
  const actors = fuyuanActors(scenario);
  let app: TestApp;
  let databaseUrl: string;
  let dataDir: string;
  let outDir: string;
  let as: (actor: Actor) => ActorClient;
  let loaded: FuyuanLoadSummary;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'demo_fuyuan');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-demo-fuyuan-e2e-'));
    outDir = path.join(dataDir, 'out');
    app = await startTestApp({
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: path.join(dataDir, 'data'),
      JWT_SECRET: jwtSecret,
    });
    as = actorClients(app.server, jwtSecret);
  });
  afterAll(async () => {
    await app?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the files and loads them through the API: registries, rosters approved by another person, payments settled', async () => {
    const { port } = app.server.address() as AddressInfo;
    const run = await runSunlight(
      [
        'demo',
        '--scenario',
        'fuyuan',
        '--scale',
        String(scale),
        '--out',
        outDir,
        '--api',
        `http://127.0.0.1:${port}`,
      ],
      { JWT_SECRET: jwtSecret },
    );
    // Progress lines (`demo: …`) go to stderr beside any problem.
    expect(run.problems.filter((line) => !line.startsWith('demo: '))).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.lastLine).toMatch(
      /^fuyuan scenario loaded through http:\/\/127\.0\.0\.1:\d+: 6 registry snapshots, 3 rosters approved and paid/,
    );
    loaded = JSON.parse(
      await readFile(path.join(outDir, 'loaded.json'), 'utf8'),
    ) as FuyuanLoadSummary;
    const manifest = JSON.parse(await readFile(path.join(outDir, 'scenario.json'), 'utf8')) as {
      expected: typeof scenario.expected;
    };
    expect(manifest.expected).toEqual(scenario.expected);

    // Only the three rows written with a wrong check character were refused, one per registry.
    expect(Object.fromEntries(loaded.snapshots.map((s) => [s.kind, s.rejectedRows]))).toEqual({
      'public-servants': 1,
      'village-cadres': 0,
      businesses: 1,
      vehicles: 1,
      property: 0,
      deaths: 0,
    });
    for (const snapshot of loaded.snapshots) {
      const registry = scenario.registries.find((r) => r.kind === snapshot.kind);
      expect(snapshot.rows + snapshot.rejectedRows).toBe(registry?.file.rows.length);
    }

    const byKey = Object.fromEntries(loaded.rosters.map((roster) => [roster.key, roster]));
    const house = scenario.rosters.find((r) => r.key === 'house-renovation');
    expect(byKey['house-renovation']).toMatchObject({
      accepted: house?.file.rows.length,
      rejected: 0,
      paid: house?.file.rows.length,
    });
    expect(byKey['industry-village']).toMatchObject({ accepted: 40, rejected: 0, paid: 40 });
    expect(byKey['industry-fabricated']).toMatchObject({ accepted: 48, rejected: 12, paid: 48 });
    for (const roster of loaded.rosters) {
      const summary = await as(actors.commission).get(`/rosters/${roster.rosterId}`).expect(200);
      expect(summary.body).toMatchObject({
        status: 'approved',
        file: { sha256: roster.fileSha256 },
        uploadedBy: { id: roster.uploadedBy },
        approvedBy: { id: actors.approver.id },
      });
      expect(roster.uploadedBy).not.toBe(actors.approver.id);
    }
    // Where the time went, for whoever finds this test slow.
    process.stderr.write(
      `demo-fuyuan load: registries ${loaded.registriesMs} ms; ${loaded.rosters.map((r) => `${r.key} ${JSON.stringify(r.stepsMs)}`).join('; ')}\n`,
    );
  }, 600_000);

  it('traces every fabricated line to its upload, file hash, uploader, approver and payment', async () => {
    const fabricated = loaded.rosters.find((roster) => roster.key === 'industry-fabricated');
    if (fabricated === undefined) throw new Error('no fabricated roster loaded');
    const rejected = await as(actors.commission)
      .get(`/rosters/${fabricated.rosterId}/entries?status=rejected`)
      .expect(200);
    const refusedRows = (rejected.body.entries as { row: number; field: string }[]).map((e) => [
      e.row,
      e.field,
    ]);
    expect(refusedRows).toEqual(
      scenario.expected.fabricated
        .filter((entry) => entry.kind === 'bad-check-digit')
        .map((entry) => [entry.row, 'id_number']),
    );
    for (const entry of scenario.expected.fabricated.filter((e) => e.kind !== 'bad-check-digit')) {
      const idNumber = normaliseIdNumber(entry.idNumberAsWritten);
      const history = await eventually(async () => {
        const response = await as(actors.commission).get(`/history/person/${idNumber}`).expect(200);
        const payments = response.body.payments as Record<string, unknown>[];
        expect(
          payments.some(
            (p) => p.transferId === `${fabricated.rosterId}-${entry.row}` && p.status === 'paid',
          ),
        ).toBe(true);
        return payments;
      }, 30_000);
      expect(history).toContainEqual(
        expect.objectContaining({
          transferId: `${fabricated.rosterId}-${entry.row}`,
          status: 'paid',
          approvedBy: actors.paymentApprover.id,
          rosterEntry: {
            rosterId: fabricated.rosterId,
            row: entry.row,
            fileSha256: fabricated.fileSha256,
            uploadedBy: actors.townshipClerk.id,
            approvedBy: actors.approver.id,
          },
        }),
      );
    }
  });

  it('cross-checks through the API: exactly 202 / 51 / 7 / 2, no noise, every fabricated line flagged, nothing new on a re-run', async () => {
    const rosterOf = (key: string) => {
      const roster = loaded.rosters.find((candidate) => candidate.key === key);
      if (roster === undefined) throw new Error(`no ${key} roster loaded`);
      return roster;
    };
    const check = async () => {
      const accepted = await as(actors.commission)
        .post('/cross-checks', { division: scenario.county })
        .expect(202);
      const job = await eventually(async () => {
        const response = await as(actors.commission)
          .get(`/jobs/${accepted.body.jobId as string}`)
          .expect(200);
        expect(response.body.state).toBe('completed');
        return response.body as {
          result: { raised: number; byRule: Record<string, { hits: number; raised: number }> };
        };
      }, 120_000);
      return job.result;
    };
    const first = await check();
    const planted = scenario.expected.hits;
    const findingsOf = async (rosterId: string, expectedTotal: number) =>
      eventually(async () => {
        const items: { ruleId: string; row: number; rosterId: string }[] = [];
        for (let offset = 0; ; offset += 100) {
          const page = await as(actors.commission)
            .get(
              `/findings?division=${scenario.county}&rosterId=${rosterId}&limit=100&offset=${offset}`,
            )
            .expect(200);
          items.push(...(page.body.items as typeof items));
          if (offset + 100 >= (page.body.total as number)) break;
        }
        expect(items).toHaveLength(expectedTotal);
        return items;
      }, 60_000);

    // The house-renovation roster: each registry rule finds exactly the applicants planted for
    // it, and no rule finds anyone else (the noise included).
    const house = rosterOf('house-renovation');
    const plantedCount = Object.values(planted).reduce((sum, hits) => sum + hits.length, 0);
    const houseFindings = await findingsOf(house.rosterId, plantedCount);
    for (const [ruleId, count] of Object.entries(fuyuanPlanted)) {
      const rows = houseFindings.filter((f) => f.ruleId === ruleId).map((f) => f.row);
      expect([ruleId, rows.length]).toEqual([ruleId, count]);
      expect(new Set(rows)).toEqual(
        new Set(planted[ruleId as keyof typeof planted].map((hit) => hit.row)),
      );
      // Hits, not new findings: each roster's own check before approval raised them already.
      expect(first.byRule[ruleId]?.hits).toBeGreaterThanOrEqual(count);
    }
    const noiseRows = new Set(scenario.expected.noise.map((noise) => noise.row));
    expect(houseFindings.filter((f) => noiseRows.has(f.row))).toEqual([]);

    // The fabricated roster: every line that was paid is flagged, by the rules it was built to
    // trip (the bad check digits were refused at parsing, never paid, so never a subject).
    const fabricated = rosterOf('industry-fabricated');
    const paidLines = scenario.expected.fabricated.filter((e) => e.kind !== 'bad-check-digit');
    const fabricatedFindings = await findingsOf(
      fabricated.rosterId,
      paidLines.reduce(
        (sum, e) => sum + e.rules.filter((r) => r !== 'invalid-id-number').length,
        0,
      ),
    );
    for (const entry of paidLines) {
      const rules = fabricatedFindings.filter((f) => f.row === entry.row).map((f) => f.ruleId);
      expect({ row: entry.row, rules: rules.sort() }).toEqual({
        row: entry.row,
        rules: entry.rules.filter((r) => r !== 'invalid-id-number').sort(),
      });
    }
    // The village roster's lines that were copied are duplicates too; the others are clean.
    const village = rosterOf('industry-village');
    const villageFindings = await findingsOf(
      village.rosterId,
      scenario.expected.copiedFromVillageRows.length,
    );
    expect(new Set(villageFindings.map((f) => f.row))).toEqual(
      new Set(scenario.expected.copiedFromVillageRows),
    );
    expect(new Set(villageFindings.map((f) => f.ruleId))).toEqual(
      new Set(['duplicate-beneficiary']),
    );

    // One finding read whole: its evidence resolves to the roster line the upload recorded.
    const one = fabricatedFindings.find((f) => f.ruleId === 'deceased');
    const listed = await as(actors.commission)
      .get(
        `/findings?division=${scenario.county}&rosterId=${fabricated.rosterId}&rule=deceased&limit=1`,
      )
      .expect(200);
    const finding = await as(actors.commission)
      .get(`/findings/${(listed.body.items as { findingId: string }[])[0]?.findingId ?? ''}`)
      .expect(200);
    expect(one).toBeDefined();
    expect(finding.body.evidence.subject.entry).toMatchObject({ rosterId: fabricated.rosterId });
    expect(finding.body.evidence.registryRows[0]?.row.kind).toBe('deaths');

    // The same data checked again raises nothing new.
    const second = await check();
    expect(second.raised).toBe(0);
  });
});
