export const statisticalDivisionLevels = [
  'province',
  'prefecture',
  'county',
  'township',
  'village',
] as const;
export type StatisticalDivisionLevel = (typeof statisticalDivisionLevels)[number];

// 村民小组 sit below villages but have no national code, so they are a level of their own.
export const divisionLevels = [...statisticalDivisionLevels, 'village_group'] as const;
export type DivisionLevel = (typeof divisionLevels)[number];

// Codes are written at their natural length, which is what makes each code a prefix of its children's.
export const divisionCodeLengthByLevel: Readonly<Record<StatisticalDivisionLevel, number>> = {
  province: 2,
  prefecture: 4,
  county: 6,
  township: 9,
  village: 12,
};

export interface Division {
  readonly code: string;
  readonly name: string;
  readonly level: DivisionLevel;
  readonly parentCode: string | null;
}

export function isStatisticalDivisionLevel(value: string): value is StatisticalDivisionLevel {
  return (statisticalDivisionLevels as readonly string[]).includes(value);
}

export function divisionLevelDepth(level: DivisionLevel): number {
  return divisionLevels.indexOf(level);
}

export class UnknownDivisionError extends Error {
  override readonly name = 'UnknownDivisionError';

  constructor(readonly code: string) {
    super(`Unknown division code ${JSON.stringify(code)}`);
  }
}

export class DivisionDataError extends Error {
  override readonly name = 'DivisionDataError';

  constructor(
    readonly source: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${source} line ${line}: ${detail}`);
  }
}

export type InvalidVillageGroupReason =
  'not_a_village' | 'invalid_group_number' | 'invalid_name' | 'duplicate';

export class InvalidVillageGroupError extends Error {
  override readonly name = 'InvalidVillageGroupError';

  constructor(
    readonly reason: InvalidVillageGroupReason,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}
