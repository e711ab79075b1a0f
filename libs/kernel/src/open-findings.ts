/**
 * The open findings (疑点) a view shows beside what it describes — a roster, a household card, a
 * person's payments — the first `openFindingsListedMax` and how many in all. Oversight raises and
 * reads them; the contexts that show them know only this shape, so it lives below them all.
 */
export interface OpenFindings {
  items: OpenFindingView[];
  total: number;
}

export interface OpenFindingView {
  findingId: string;
  ruleId: string;
  status: string;
  subjectName: string;
  rosterId: string | null;
  row: number | null;
  raisedAt: string;
}

export const openFindingsListedMax = 100;
