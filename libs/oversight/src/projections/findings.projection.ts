import type { RecordedEvent } from '@sunlight/event-store';
import type { DocumentKey, Projection, ReadDocument, ReadIndex } from '@sunlight/read-store';
import { findingCategory, type Explanation, type FindingStatus } from '../domain';
import { findingEventOf } from '../stored-events';

/*
 * The findings as a read model (projection `findings`), one document per finding, for lists by
 * division (a prefix of the subject's village code), rule, status, period and roster. A finding's
 * evidence stays in its stream; GET /findings/{id} reads it there.
 */

export const findingsProjectionName = 'findings';
export const findingsProjectionVersion = 1;
export const findingsCollection = 'findings';

export interface FindingDocument extends ReadDocument {
  findingId: string;
  ruleId: string;
  ruleVersion: number;
  divisionCode: string;
  status: FindingStatus;
  subjectId: string;
  subjectName: string;
  rosterId: string | null;
  row: number | null;
  fundId: string;
  purpose: string;
  period: string;
  explanation: Explanation;
  registryRows: number;
  checkId: string;
  raisedAt: string;
}

export const findingsProjection: Projection = {
  name: findingsProjectionName,
  version: findingsProjectionVersion,
  filter: { on: 'streamName', prefixes: [`${findingCategory}-`] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const finding = findingEventOf(event);
    if (finding === undefined) return [];
    return [{ collection: findingsCollection, id: finding.data.findingId }];
  },

  apply(_current, event): Omit<FindingDocument, 'lastPosition'> {
    const finding = findingEventOf(event);
    if (finding === undefined) throw new Error(`invariant: ${event.type} is not a finding event`);
    const { data } = finding;
    const at = event.metadata.occurredAt;
    return {
      id: data.findingId,
      findingId: data.findingId,
      ruleId: data.ruleId,
      ruleVersion: data.ruleVersion,
      divisionCode: data.divisionCode,
      status: 'raised',
      subjectId: data.subject.id,
      subjectName: data.subject.name,
      rosterId: data.subject.rosterId ?? null,
      row: data.subject.row ?? null,
      fundId: data.subject.fundId,
      purpose: data.subject.purpose,
      period: data.subject.period,
      explanation: data.explanation,
      registryRows: data.registryRows.length,
      checkId: data.checkId,
      raisedAt: typeof at === 'string' ? at : event.recordedAt.toISOString(),
    };
  },
};

/** The indexes GET /findings filters need: a division prefix with or without the other filters. */
export const oversightReadIndexes: readonly ReadIndex[] = [
  { projection: findingsProjectionName, collection: findingsCollection, fields: ['divisionCode'] },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['ruleId', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['status', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['period', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['rosterId', 'divisionCode'],
  },
];

/** The oversight context's projections, for the runner to register. */
export const oversightProjections: readonly Projection[] = [findingsProjection];
