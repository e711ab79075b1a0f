import { incomeSummary } from './household/income';
import type { HouseholdState } from './household/state';
import { parseIncomeYuan, formatYuan } from './money';
import type { ExitCriteria, FailedCriterion } from './exit-criteria.types';

export * from './exit-criteria.types';

/*
 * Exit evaluation (脱贫退出评估) against criteria that are data (data/households/exit-criteria.json),
 * per province and year, never code: the evaluation names the version it used, and reports each
 * criterion that failed with what it required and what the household had.
 */

export interface ExitEvaluationResult {
  readonly met: boolean;
  readonly failed: readonly FailedCriterion[];
  /** The per-capita net income the evaluation found, yuan; null without members. */
  readonly perCapitaNetIncome: string | null;
}

const compulsorySchoolAgeMin = 6;
const compulsorySchoolAgeMax = 15;

/** The criteria in force for a province and year, or undefined when none is shipped. */
export function criteriaFor(
  all: readonly ExitCriteria[],
  provinceCode: string,
  year: number,
): ExitCriteria | undefined {
  return all.find(
    (criteria) => criteria.province === provinceCode && criteria.years.includes(year),
  );
}

/** Checks a criteria file's entries; a malformed file is refused at start-up, not at evaluation. */
export function parseExitCriteria(json: unknown): ExitCriteria[] {
  const entries = (json as { criteria?: unknown })?.criteria;
  if (!Array.isArray(entries)) throw new Error('exit criteria: "criteria" must be a list');
  const versions = new Set<string>();
  return entries.map((entry: Record<string, unknown>, index) => {
    const where = `exit criteria[${index}]`;
    const fail = (what: string): never => {
      throw new Error(`${where}: ${what}`);
    };
    if (typeof entry.version !== 'string' || entry.version === '') fail('version must be a string');
    if (versions.has(entry.version as string)) fail(`version ${String(entry.version)} is repeated`);
    versions.add(entry.version as string);
    if (typeof entry.province !== 'string' || !/^\d{2}$/.test(entry.province))
      fail('province must be 2 digits');
    const years = entry.years;
    if (
      !Array.isArray(years) ||
      years.length === 0 ||
      !years.every((year) => Number.isInteger(year))
    ) {
      fail('years must be a non-empty list of years');
    }
    if (parseIncomeYuan(entry.perCapitaNetIncomeAboveYuan) === undefined) {
      fail('perCapitaNetIncomeAboveYuan must be a yuan amount');
    }
    const min = entry.industryIncomeSourcesMin;
    if (!Number.isInteger(min) || (min as number) < 0)
      fail('industryIncomeSourcesMin must be a whole number');
    const grades = entry.safeHousingGrades;
    if (!Array.isArray(grades) || !grades.every((grade) => typeof grade === 'string')) {
      fail('safeHousingGrades must be a list of grades');
    }
    if (typeof entry.compulsoryEducation !== 'boolean' || typeof entry.basicMedical !== 'boolean') {
      fail('compulsoryEducation and basicMedical must be true or false');
    }
    return {
      version: entry.version as string,
      province: entry.province as string,
      years: years as number[],
      perCapitaNetIncomeAboveYuan: entry.perCapitaNetIncomeAboveYuan as string,
      industryIncomeSourcesMin: min as number,
      safeHousingGrades: grades as string[],
      compulsoryEducation: entry.compulsoryEducation as boolean,
      basicMedical: entry.basicMedical as boolean,
    };
  });
}

function ageAtEndOf(birthDate: string, year: number): number {
  return year - Number(birthDate.slice(0, 4));
}

/** Evaluates the household as its state stands, for `year`, against `criteria`. */
export function evaluateExit(
  state: HouseholdState,
  criteria: ExitCriteria,
  year: number,
): ExitEvaluationResult {
  const failed: FailedCriterion[] = [];
  const summary = incomeSummary(state.incomes.values(), year, state.members.size);
  const lineFen = parseIncomeYuan(criteria.perCapitaNetIncomeAboveYuan) ?? 0n;
  const perCapita = summary.perCapitaNetFen;
  if (perCapita === undefined || perCapita <= lineFen) {
    failed.push({
      criterion: 'perCapitaNetIncome',
      required: `above ${criteria.perCapitaNetIncomeAboveYuan}`,
      actual: perCapita === undefined ? 'no members' : formatYuan(perCapita),
    });
  }
  const yearEnd = `${year}-12-31`;
  const projects = [...state.industryProjects.values()].filter(
    (joinedOn) => joinedOn <= yearEnd,
  ).length;
  if (projects < criteria.industryIncomeSourcesMin) {
    failed.push({
      criterion: 'industryIncomeSources',
      required: `at least ${criteria.industryIncomeSourcesMin}`,
      actual: String(projects),
    });
  }
  const grade = state.housing?.safety;
  if (grade === undefined || !criteria.safeHousingGrades.includes(grade)) {
    failed.push({
      criterion: 'housingSafety',
      required: criteria.safeHousingGrades.join(' or '),
      actual: grade ?? 'not assessed',
    });
  }
  if (criteria.compulsoryEducation) {
    const schoolAge = [...state.members.values()].filter((member) => {
      const age = ageAtEndOf(member.birthDate, year);
      return age >= compulsorySchoolAgeMin && age <= compulsorySchoolAgeMax;
    });
    const outOfSchool = schoolAge.filter((member) => member.schooling !== '在校生');
    if (outOfSchool.length > 0) {
      failed.push({
        criterion: 'compulsoryEducation',
        required: `every member aged ${compulsorySchoolAgeMin}-${compulsorySchoolAgeMax} in school (在校生)`,
        actual: `${outOfSchool.length} of ${schoolAge.length} not in school`,
      });
    }
  }
  if (
    criteria.basicMedical &&
    !state.policies.some((policy) => policy.policy === '医疗' && policy.year === year)
  ) {
    failed.push({
      criterion: 'basicMedical',
      required: `a 医疗 policy in ${year}`,
      actual: 'none recorded',
    });
  }
  return {
    met: failed.length === 0,
    failed,
    perCapitaNetIncome: perCapita === undefined ? null : formatYuan(perCapita),
  };
}
