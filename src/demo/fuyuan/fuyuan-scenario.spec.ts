// Proves the fuyuan scenario's files say what it claims, by reading them as the app does (the
// rosters' and registries' own CSV readers and line checks) and running every cross-check rule on
// them directly, with no HTTP: at full size exactly 202 / 51 / 7 / 2 applicants are flagged, each
// the one planted (noisy ID spellings in the registries included), no planted noise is flagged by
// any rule, and every line of the fabricated industry roster is flagged by the rules it was built
// to trip.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { loadDivisionRegistry, parseVillageGroupCode, type DivisionRegistry } from '@sunlight/geo';
import {
  mapRegistryHeader,
  isRegistryHeaderProblem,
  readRegistryLine,
  RegistryIndex,
  ruleCatalogue,
  parametersOf,
  type CheckSubject,
  type RegistryKind,
  type RegistryRow,
  type RuleHit,
} from '@sunlight/oversight';
import { checkRosterLine, csvRecords, rosterLines } from '@sunlight/rosters';
import {
  csvOf,
  fuyuanFabricatedYuan,
  fuyuanPlanted,
  planFuyuanScenario,
  type FuyuanScenario,
  type ScenarioRoster,
} from './fuyuan-scenario';

async function* recordsOf(text: string) {
  yield* csvRecords(Readable.from([Buffer.from(text, 'utf8')]), 'utf-8');
}

/** The roster's lines as the parse job checks them, turned into the subjects a check looks at. */
async function subjectsOf(
  scenario: FuyuanScenario,
  roster: ScenarioRoster,
  divisions: DivisionRegistry,
): Promise<CheckSubject[]> {
  const fund = scenario.funds.find((candidate) => candidate.fundId === roster.fundId);
  const seen = new Map<string, number>();
  const rules = {
    today: '2019-07-15',
    placeProblem: (code: string) => {
      const village = /^\d{12}$/.test(code) ? code : parseVillageGroupCode(code)?.villageCode;
      return village !== undefined && divisions.isWithin(village, roster.divisionCode)
        ? undefined
        : `${code} is not a village of ${roster.divisionCode}`;
    },
  };
  const subjects: CheckSubject[] = [];
  for await (const line of rosterLines(recordsOf(csvOf(roster.file)))) {
    const checked = checkRosterLine(line, rules, seen);
    const base = {
      id: `roster-entry:${roster.key}#${line.row}`,
      kind: 'roster-entry' as const,
      fundId: roster.fundId,
      purpose: fund?.purposeCategory ?? '',
      period: roster.period,
      // The API run uploads each roster long after the 2019 applications, as this day is.
      listedOn: scenario.industryReferenceDate,
      listing: { eventId: `${roster.key}-0`, position: '0', streamName: roster.key },
      event: { eventId: `${roster.key}-${line.row}`, position: '0', streamName: roster.key },
      rosterId: roster.key,
      row: line.row,
    };
    if (checked.accepted) {
      const entry = checked.entry;
      subjects.push({
        ...base,
        name: entry.name,
        idNumberAsWritten: entry.idNumber,
        idNumber: entry.idNumber,
        bankAccount: entry.bankAccount,
        amountFen: entry.amountFen.toString(),
        villageCode: entry.villageGroup.slice(0, 12),
        referenceDate: entry.appliedOn ?? scenario.industryReferenceDate,
        ...(entry.appliedOn === undefined ? {} : { appliedOn: entry.appliedOn }),
      });
    } else {
      // Only a number that is not a valid ID number may be refused in these files: such a line
      // is still a subject (the invalid-id-number rule's), unmatched against any registry.
      expect(checked.entry.field).toBe('id_number');
      const values = checked.entry.values;
      subjects.push({
        ...base,
        name: values.name ?? '',
        idNumberAsWritten: values.id_number ?? '',
        idNumberProblem: checked.entry.reason,
        bankAccount: values.bank_account ?? '',
        amountFen: String(Number(values.amount) * 100),
        villageCode: (values.village_group ?? '').slice(0, 12),
        referenceDate: scenario.industryReferenceDate,
      });
    }
  }
  return subjects;
}

async function registryIndexOf(scenario: FuyuanScenario) {
  const snapshots: { kind: RegistryKind; rows: RegistryRow[] }[] = [];
  const rejected: { kind: RegistryKind; row: number; reason: string }[] = [];
  for (const registry of scenario.registries) {
    const text = csvOf(registry.file);
    const source = {
      snapshotSha256: createHash('sha256').update(text).digest('hex'),
      asOf: registry.asOf,
    };
    const rows: RegistryRow[] = [];
    let header: ReturnType<typeof mapRegistryHeader> | undefined;
    for await (const record of recordsOf(text)) {
      if (!('cells' in record)) throw new Error(`unreadable line ${record.row}`);
      if (header === undefined) {
        header = mapRegistryHeader(registry.kind, record.cells);
        if (isRegistryHeaderProblem(header)) throw new Error(`${registry.kind}: bad header`);
        continue;
      }
      if (isRegistryHeaderProblem(header)) continue;
      const line = readRegistryLine(registry.kind, header, record.cells, {
        ...source,
        row: record.row - 1,
      });
      if (line.ok) rows.push(line.row);
      else rejected.push({ kind: registry.kind, ...line.rejection });
    }
    snapshots.push({ kind: registry.kind, rows });
  }
  return { index: new RegistryIndex(snapshots), rejected };
}

describe('the fuyuan scenario, checked by the rules directly', () => {
  const divisions = loadDivisionRegistry();
  let scenario: FuyuanScenario;
  let hits: RuleHit[];
  let rejected: { kind: RegistryKind; row: number; reason: string }[];
  const byRoster = (key: string) => hits.filter((hit) => hit.subject.rosterId === key);
  const rowsHit = (key: string, ruleId?: string) =>
    new Set(
      byRoster(key)
        .filter((hit) => ruleId === undefined || hit.ruleId === ruleId)
        .map((hit) => hit.subject.row),
    );

  beforeAll(async () => {
    scenario = planFuyuanScenario(divisions);
    const registries = await registryIndexOf(scenario);
    rejected = registries.rejected;
    const subjects = (
      await Promise.all(scenario.rosters.map((roster) => subjectsOf(scenario, roster, divisions)))
    ).flat();
    hits = ruleCatalogue.flatMap((rule) =>
      rule.evaluate({ subjects, registries: registries.index }, parametersOf(rule)),
    );
  });

  it('has the seed county: 9,555 applicants in villages of 富源县, with valid ID numbers', () => {
    const roster = scenario.rosters.find((candidate) => candidate.key === 'house-renovation');
    expect(roster?.file.rows).toHaveLength(9_555);
    for (const row of roster?.file.rows ?? []) {
      expect(divisions.isWithin((row[2] as string).slice(0, 12), '530325')).toBe(true);
      expect(row[5]).toMatch(/^2019-\d{2}-\d{2}$/);
    }
    expect(
      byRoster('house-renovation').filter((hit) => hit.ruleId === 'invalid-id-number'),
    ).toEqual([]);
  });

  it.each(Object.entries(fuyuanPlanted))(
    'flags exactly the %s applicants planted (%d), whatever the spelling of their number in the registry',
    (ruleId, count) => {
      const planted = scenario.expected.hits[ruleId as keyof typeof fuyuanPlanted];
      expect(planted).toHaveLength(count);
      const flagged = rowsHit('house-renovation', ruleId);
      expect(flagged.size).toBe(count);
      expect([...flagged].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        planted.map((hit) => hit.row).sort((a, b) => a - b),
      );
    },
  );

  it('plants every noisy spelling among the flagged: spaces, lowercase x, full-width digits', () => {
    const forms = Object.values(scenario.expected.hits)
      .flat()
      .map((hit) => hit.form);
    for (const form of ['plain', 'spaces', 'lowercase-x', 'full-width'])
      expect(forms).toContain(form);
  });

  it('flags no applicant but the planted ones, and none of the planted noise', () => {
    const planted = new Set(
      Object.values(scenario.expected.hits)
        .flat()
        .map((hit) => hit.row),
    );
    expect(planted.size).toBe(202 + 51 + 7 + 2);
    expect([...rowsHit('house-renovation')].sort()).toEqual([...planted].sort());
    expect(scenario.expected.noise.length).toBeGreaterThanOrEqual(30);
    const flagged = rowsHit('house-renovation');
    for (const noise of scenario.expected.noise)
      expect([noise.row, flagged.has(noise.row)]).toEqual([noise.row, false]);
    // The numbers with a wrong check character were refused by the registry readers, one each.
    expect(rejected).toHaveLength(3);
  });

  it('flags every line of the fabricated industry roster (180,000 yuan) by the rules it was built to trip', () => {
    const fabricated = scenario.rosters.find((roster) => roster.key === 'industry-fabricated');
    expect(fabricated?.totalYuan).toBe(`${fuyuanFabricatedYuan}.00`);
    expect(scenario.expected.fabricated).toHaveLength(fabricated?.file.rows.length ?? -1);
    for (const entry of scenario.expected.fabricated) {
      const rules = byRoster('industry-fabricated')
        .filter((hit) => hit.subject.row === entry.row)
        .map((hit) => hit.ruleId);
      expect(rules.length).toBeGreaterThan(0);
      expect({ row: entry.row, kind: entry.kind, rules: rules.sort() }).toEqual({
        row: entry.row,
        kind: entry.kind,
        rules: expect.arrayContaining(entry.rules) as string[],
      });
    }
    expect(new Set(scenario.expected.fabricated.map((entry) => entry.kind))).toEqual(
      new Set(['copied', 'deceased', 'invented', 'bad-check-digit']),
    );
  });

  it('flags on the village roster only the lines the fabricated one copied, as duplicates', () => {
    expect(rowsHit('industry-village')).toEqual(new Set(scenario.expected.copiedFromVillageRows));
    expect(new Set(byRoster('industry-village').map((hit) => hit.ruleId))).toEqual(
      new Set(['duplicate-beneficiary']),
    );
  });

  it('is deterministic: the same seed gives the same files, another seed others', () => {
    const again = planFuyuanScenario(divisions, { scale: 0.05 });
    const same = planFuyuanScenario(divisions, { scale: 0.05 });
    const other = planFuyuanScenario(divisions, { scale: 0.05, seed: 7 });
    const files = (s: FuyuanScenario) =>
      [...s.rosters.map((r) => csvOf(r.file)), ...s.registries.map((r) => csvOf(r.file))].join('');
    expect(files(same)).toBe(files(again));
    expect(files(other)).not.toBe(files(again));
    // A smaller scale keeps every planted case.
    expect(again.expected.hits['public-servant-or-cadre-relative']).toHaveLength(202);
    expect(again.rosters[0]?.file.rows.length).toBeLessThan(9_555);
  });
});
