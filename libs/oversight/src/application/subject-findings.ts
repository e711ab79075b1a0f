import { Inject, Injectable, type Provider } from '@nestjs/common';
import { HOUSEHOLD_FINDINGS, type HouseholdFindings } from '@sunlight/households';
import { READ_STORE, type FieldCondition, type ReadStore } from '@sunlight/read-store';
import {
  openFindingsListedMax,
  ROSTER_FINDINGS,
  type OpenFindings,
  type RosterFindings,
} from '@sunlight/rosters';
import { openFindingStatuses } from '../domain';
import { findingsCollection, findingsProjectionName, type FindingDocument } from '../projections';

/**
 * The open findings the rosters' view and the household card show (ROSTER_FINDINGS,
 * HOUSEHOLD_FINDINGS), from the findings read model, which follows the log by a moment.
 */
@Injectable()
export class SubjectFindings implements RosterFindings, HouseholdFindings {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  openFindingsOfRoster(rosterId: string): Promise<OpenFindings> {
    return this.find({ rosterId }, 'row');
  }

  openFindingsOfPeople(division: string, idNumbers: readonly string[]): Promise<OpenFindings> {
    if (idNumbers.length === 0) return Promise.resolve({ items: [], total: 0 });
    return this.find(
      { divisionCode: { prefix: division }, subjectIdNumber: { in: [...new Set(idNumbers)] } },
      'raisedAt',
    );
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
];
