import { Inject, Injectable, type Provider } from '@nestjs/common';
import { PERSON_FINDINGS, type PersonFindings } from '@sunlight/funds';
import { HOUSEHOLD_FINDINGS, type HouseholdFindings } from '@sunlight/households';
import { openFindingsListedMax, type OpenFindings } from '@sunlight/kernel';
import { READ_STORE, type FieldCondition, type ReadStore } from '@sunlight/read-store';
import { ROSTER_FINDINGS, type RosterFindings } from '@sunlight/rosters';
import { openFindingStatuses } from '../domain';
import {
  findingsCollection,
  findingsProjectionName,
  findingSubjectIdNumber,
  type FindingDocument,
} from '../projections';

/**
 * The open findings the rosters' view, the household card and a person's payment history show
 * (ROSTER_FINDINGS, HOUSEHOLD_FINDINGS, PERSON_FINDINGS), from the findings read model, which
 * follows the log by a moment.
 */
@Injectable()
export class SubjectFindings implements RosterFindings, HouseholdFindings, PersonFindings {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  openFindingsOfRoster(rosterId: string): Promise<OpenFindings> {
    return this.find({ rosterId }, 'row');
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
