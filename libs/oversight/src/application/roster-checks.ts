import { Injectable, type Provider } from '@nestjs/common';
import type { Actor } from '@sunlight/kernel';
import {
  divisionOfRosterId,
  findingIdsPerLineMax,
  ROSTER_CHECKER,
  type FlaggedRosterLine,
  type RosterChecker,
  type RosterCheckOutcome,
} from '@sunlight/rosters';
import { CrossCheck } from './cross-check';

/**
 * Every roster is checked by the same engine as POST /cross-checks, with every rule, over its
 * own accepted lines in its division, before it is parsed (ROSTER_CHECKER of the rosters).
 */
@Injectable()
export class RosterChecks implements RosterChecker {
  constructor(private readonly checks: CrossCheck) {}

  async check(rosterId: string, actor: Actor, checkId: string): Promise<RosterCheckOutcome> {
    const division = divisionOfRosterId(rosterId);
    if (division === undefined) throw new Error(`invariant: ${rosterId} is not a roster id`);
    const lines = new Map<number, { amountFen: string; findingIds: string[] }>();
    let findings = 0;
    await this.checks.run(
      { division, rosterId },
      actor,
      checkId,
      undefined,
      (subject, findingId) => {
        findings += 1;
        if (subject.row === undefined) return;
        const line = lines.get(subject.row) ?? { amountFen: subject.amountFen, findingIds: [] };
        if (line.findingIds.length < findingIdsPerLineMax) line.findingIds.push(findingId);
        lines.set(subject.row, line);
      },
    );
    const flagged: FlaggedRosterLine[] = [...lines]
      .sort(([a], [b]) => a - b)
      .map(([row, line]) => ({ row, ...line }));
    return { findings, flagged };
  }
}

export const rosterCheckProviders: Provider[] = [
  RosterChecks,
  { provide: ROSTER_CHECKER, useExisting: RosterChecks },
];
