/**
 * The open findings (疑点 raised, assigned or reopened: not yet disposed) of a division and
 * everything below it, for its dashboard. Oversight implements it from its findings read model;
 * absent (an app without oversight), dashboards carry no `openFindings`.
 */
export const DIVISION_FINDINGS = 'DIVISION_FINDINGS';

export interface OpenFindingsOfRule {
  ruleId: string;
  open: number;
}

export interface DivisionOpenFindings {
  total: number;
  /** Rules with open findings, by `ruleId`. */
  byRule: OpenFindingsOfRule[];
  /**
   * The log position the findings read model had applied when the counts were read; null before
   * it has applied any. It follows the log apart from the dashboards read model.
   */
  readModelPosition: string | null;
}

export interface DivisionFindings {
  /** The division's open findings by rule: one document read. */
  openFindingsOfDivision(divisionCode: string): Promise<DivisionOpenFindings>;
  /**
   * The open findings total of each division (at most `findInValuesMax`, a page of children), 0
   * for one with none: one query for them all.
   */
  openFindingTotals(
    divisionCodes: readonly string[],
  ): Promise<{ totals: Map<string, number>; readModelPosition: string | null }>;
}
