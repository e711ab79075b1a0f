import type { Actor, OpenFindings } from '@sunlight/kernel';

/**
 * The cross-check of a roster after its lines are recorded and before it is parsed (and so
 * before anyone can approve it). Oversight implements it; the rosters only need its outcome, so
 * they name no rule and no registry. Absent (an app without oversight), rosters are not checked.
 */
export const ROSTER_CHECKER = 'ROSTER_CHECKER';

export interface RosterChecker {
  /** Runs every rule over the roster's accepted lines; running it again raises nothing new. */
  check(rosterId: string, actor: Actor, checkId: string): Promise<RosterCheckOutcome>;
}

export interface RosterCheckOutcome {
  /** Findings on the roster's lines (raised now or by an earlier check). */
  findings: number;
  /** Each line with a finding, in row order. */
  flagged: readonly FlaggedRosterLine[];
}

export interface FlaggedRosterLine {
  row: number;
  amountFen: string;
  /** At most `findingIdsPerLineMax` of the line's findings. */
  findingIds: readonly string[];
}

export const findingIdsPerLineMax = 20;

/**
 * The open findings on a roster's lines, for the roster's view (the approver sees them). Oversight
 * implements it; absent (an app without oversight), a roster shows none.
 */
export const ROSTER_FINDINGS = 'ROSTER_FINDINGS';

export interface RosterFindings {
  /** Open findings (raised, assigned or reopened) on the roster's lines, in row order. */
  openFindingsOfRoster(rosterId: string): Promise<OpenFindings>;
}
