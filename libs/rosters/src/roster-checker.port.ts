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
 * The findings on a roster's lines as they stand now, for the roster's view (the approver sees
 * them) and its approval. Oversight implements it; absent (an app without oversight), a roster
 * shows none and every line its check flagged counts as still flagged.
 */
export const ROSTER_FINDINGS = 'ROSTER_FINDINGS';

export interface RosterFindings {
  /** Open findings (raised, assigned or reopened) on the roster's lines, in row order. */
  openFindingsOfRoster(rosterId: string): Promise<OpenFindings>;
  /**
   * Of the lines a roster's check flagged, the rows (in row order) with a finding that still
   * holds up approval: one not disposed as dismissed. Read exactly as the log holds it, never
   * from a read model that may not have applied a finding yet.
   */
  rowsStillFlagged(
    flagged: readonly Pick<FlaggedRosterLine, 'row' | 'findingIds'>[],
  ): Promise<number[]>;
}
