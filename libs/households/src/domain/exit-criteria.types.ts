/* What exit criteria say and how a failed one is reported; types only, shared by the events and the evaluation. */

export interface ExitCriteria {
  readonly version: string;
  readonly province: string;
  readonly years: readonly number[];
  readonly perCapitaNetIncomeAboveYuan: string;
  readonly industryIncomeSourcesMin: number;
  readonly safeHousingGrades: readonly string[];
  readonly compulsoryEducation: boolean;
  readonly basicMedical: boolean;
}

export const exitCriterionNames = [
  'perCapitaNetIncome',
  'industryIncomeSources',
  'housingSafety',
  'compulsoryEducation',
  'basicMedical',
] as const;
export type ExitCriterionName = (typeof exitCriterionNames)[number];

export interface FailedCriterion {
  readonly criterion: ExitCriterionName;
  readonly required: string;
  readonly actual: string;
}
