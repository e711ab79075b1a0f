import { Inject, Injectable, type Provider } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import { PERSON_FINDINGS, type PersonFindings } from '@sunlight/funds';
import { HOUSEHOLD_FINDINGS, type HouseholdFindings } from '@sunlight/households';
import { openFindingsListedMax, type OpenFindings } from '@sunlight/kernel';
import { READ_STORE, type FieldCondition, type ReadStore } from '@sunlight/read-store';
import {
  findingIdsPerLineMax,
  ROSTER_FINDINGS,
  type FlaggedRosterLine,
  type RosterFindings,
} from '@sunlight/rosters';
import {
  findingDecider,
  findingStreamName,
  holdsUpApproval,
  openFindingStatuses,
  type FindingState,
} from '../domain';
import {
  findingsCollection,
  findingsProjectionName,
  findingSubjectIdNumber,
  type FindingDocument,
} from '../projections';
import { toFindingEvent } from '../stored-events';
import { findingStreamEventsMax } from './finding-workflow';

type FlaggedLine = Pick<FlaggedRosterLine, 'row' | 'findingIds'>;

/** Flagged lines whose findings are read from the log at once when a roster is approved. */
const flaggedLinesReadInFlight = 16;

/**
 * The open findings the rosters' view, the household card and a person's payment history show
 * (ROSTER_FINDINGS, HOUSEHOLD_FINDINGS, PERSON_FINDINGS), from the findings read model, which
 * follows the log by a moment; and which of a roster's flagged lines still hold up its approval,
 * from the findings' own streams.
 */
@Injectable()
export class SubjectFindings implements RosterFindings, HouseholdFindings, PersonFindings {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  openFindingsOfRoster(rosterId: string): Promise<OpenFindings> {
    return this.find({ rosterId }, 'row');
  }

  /**
   * Read from each finding's stream (`finding-<id>`), not the findings read model: the approval
   * decides on money, and the read model may not yet hold a reopening, or even a finding the
   * roster's check raised a moment ago, which would let a flagged line be paid without a word.
   * The check named the findings of each line, so the streams to read are known and few; a line
   * stops being read at its first finding that holds up approval. A line whose list the check cut
   * at `findingIdsPerLineMax` may have findings the check does not name, so it stays flagged
   * whatever the named ones say.
   */
  async rowsStillFlagged(flagged: readonly FlaggedLine[]): Promise<number[]> {
    const rows: number[] = [];
    for (let first = 0; first < flagged.length; first += flaggedLinesReadInFlight) {
      const lines = flagged.slice(first, first + flaggedLinesReadInFlight);
      const held = await Promise.all(lines.map((line) => this.lineHoldsUpApproval(line)));
      lines.forEach((line, i) => {
        if (held[i] === true) rows.push(line.row);
      });
    }
    return rows;
  }

  private async lineHoldsUpApproval(line: FlaggedLine): Promise<boolean> {
    if (line.findingIds.length >= findingIdsPerLineMax) return true;
    for (const findingId of line.findingIds) {
      if (holdsUpApproval(await this.findingState(findingId))) return true;
    }
    return false;
  }

  private async findingState(findingId: string): Promise<FindingState> {
    let state = findingDecider.initialState();
    for await (const recorded of this.store.readStream(findingStreamName(findingId), {
      maxCount: findingStreamEventsMax,
    })) {
      state = findingDecider.evolve(state, toFindingEvent(recorded));
    }
    // The check appended every finding it names before the roster was parsed.
    if (state.raised === undefined)
      throw new Error(`invariant: finding ${findingId} of a roster's check has no stream`);
    return state;
  }

  openFindingsOfPeople(division: string, idNumbers: readonly string[]): Promise<OpenFindings> {
    if (idNumbers.length === 0) return Promise.resolve({ items: [], total: 0 });
    const filed = [...new Set(idNumbers.map(findingSubjectIdNumber))];
    return this.find(
      { divisionCode: { prefix: division }, subjectIdNumber: { in: filed } },
      'raisedAt',
    );
  }

  openFindingsOfPerson(division: string, idNumber: string): Promise<OpenFindings> {
    return this.openFindingsOfPeople(division, [idNumber]);
  }

  private async find(where: Record<string, FieldCondition>, sortBy: string): Promise<OpenFindings> {
    const page = await this.readStore.find<FindingDocument>(
      findingsProjectionName,
      findingsCollection,
      {
        where: { ...where, status: { in: openFindingStatuses } },
        sortBy,
        direction: 'asc',
        limit: openFindingsListedMax,
      },
    );
    return {
      items: page.items.map((finding) => ({
        findingId: finding.findingId,
        ruleId: finding.ruleId,
        status: finding.status,
        subjectName: finding.subjectName,
        rosterId: finding.rosterId,
        row: finding.row,
        raisedAt: finding.raisedAt,
      })),
      total: page.total,
    };
  }
}

export const subjectFindingsProviders: Provider[] = [
  SubjectFindings,
  { provide: ROSTER_FINDINGS, useExisting: SubjectFindings },
  { provide: HOUSEHOLD_FINDINGS, useExisting: SubjectFindings },
  { provide: PERSON_FINDINGS, useExisting: SubjectFindings },
];
