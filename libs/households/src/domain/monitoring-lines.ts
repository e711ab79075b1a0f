import { parseIncomeYuan } from './money';

/*
 * The monitoring rules of 防止返贫动态监测 as data (data/households/monitoring-lines.json), per
 * province and year, never code: the income line (监测范围, 年人均纯收入 below it makes a household
 * a candidate for monitoring) and the least time a household stays monitored before its risk may
 * be marked eliminated (风险消除). Every RiskEliminated names the version it used.
 */

export interface MonitoringRules {
  readonly version: string;
  readonly province: string;
  readonly years: readonly number[];
  /** 监测范围: a per-capita net income below this (yuan) makes a household a candidate. */
  readonly incomeLineYuan: string;
  /** Whole months from the start of monitoring before 风险消除 may be recorded. */
  readonly riskEliminationMonthsMin: number;
}

/** The rules in force for a province and year, or undefined when none are shipped. */
export function monitoringRulesFor(
  all: readonly MonitoringRules[],
  provinceCode: string,
  year: number,
): MonitoringRules | undefined {
  return all.find((rules) => rules.province === provinceCode && rules.years.includes(year));
}

/** Checks the file's entries; a malformed file is refused at start-up, naming the entry. */
export function parseMonitoringRules(json: unknown): MonitoringRules[] {
  const entries = (json as { lines?: unknown })?.lines;
  if (!Array.isArray(entries)) throw new Error('monitoring lines: "lines" must be a list');
  const versions = new Set<string>();
  const provinceYears = new Set<string>();
  return entries.map((entry: Record<string, unknown>, index) => {
    const fail = (what: string): never => {
      throw new Error(`monitoring lines[${index}]: ${what}`);
    };
    const { version, province, years, incomeLineYuan, riskEliminationMonthsMin } = entry;
    if (typeof version !== 'string' || version === '') return fail('version must be a string');
    if (versions.has(version)) fail(`version ${version} is repeated`);
    versions.add(version);
    if (typeof province !== 'string' || !/^\d{2}$/.test(province))
      return fail('province must be 2 digits');
    if (
      !Array.isArray(years) ||
      years.length === 0 ||
      !years.every((year) => Number.isInteger(year))
    ) {
      return fail('years must be a non-empty list of years');
    }
    for (const year of years as number[]) {
      const key = `${province}:${year}`;
      if (provinceYears.has(key)) fail(`province ${province} has two entries for ${year}`);
      provinceYears.add(key);
    }
    if (parseIncomeYuan(incomeLineYuan) === undefined) fail('incomeLineYuan must be a yuan amount');
    if (
      typeof riskEliminationMonthsMin !== 'number' ||
      !Number.isInteger(riskEliminationMonthsMin) ||
      riskEliminationMonthsMin < 0
    ) {
      fail('riskEliminationMonthsMin must be a whole number of months');
    }
    return {
      version,
      province,
      years: years as number[],
      incomeLineYuan: incomeLineYuan as string,
      riskEliminationMonthsMin: riskEliminationMonthsMin as number,
    };
  });
}

/** The day `months` whole months after `date` (YYYY-MM-DD), clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const total = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(total / 12);
  const targetMonth = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth, 2)}-${pad(Math.min(day, lastDay), 2)}`;
}
