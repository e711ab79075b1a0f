import type { RecordedEvent } from '@sunlight/event-store';
import { normaliseIdNumber } from '@sunlight/geo';
import { invariant } from '@sunlight/kernel';
import type { DocumentKey, Projection, ReadDocument, ReadIndex } from '@sunlight/read-store';
import {
  findingCategory,
  type Explanation,
  type FindingAssignee,
  type FindingDisposition,
  type FindingEvent,
  type FindingRecovery,
  type FindingStatus,
} from '../domain';
import { findingEventOf } from '../stored-events';

/*
 * The findings as a read model (projection `findings`), one document per finding, for lists by
 * division (a prefix of the subject's village code), rule, status, disposition, period and
 * roster, and for each rule's precision (GET /rules/{id}/stats). A finding's evidence stays in its
 * stream; GET /findings/{id} reads it there.
 */

export const findingsProjectionName = 'findings';
export const findingsProjectionVersion = 3;
export const findingsCollection = 'findings';

/**
 * The form a subject's ID number is filed under (`subjectIdNumber`), and so the form a reader
 * asks for: however a roster or a caller wrote it (full-width digits, a lowercase x, spaces), one
 * person's findings are found by one key.
 */
export function findingSubjectIdNumber(raw: string): string {
  return normaliseIdNumber(raw).replace(/\s/g, '');
}

/** One step of a finding's workflow, as its event recorded it. */
export interface FindingStep {
  step: 'raised' | 'assigned' | 'disposed' | 'reopened';
  /** Business time of the step. */
  at: string;
  actor: { id: string; role: string; division: string };
  eventId: string;
  position: string;
  assignee?: FindingAssignee;
  disposition?: FindingDisposition;
  reason?: string;
  note?: string;
  recovery?: FindingRecovery;
}

/** The step a finding event records, with where the log holds it. */
export function findingStepOf(recorded: RecordedEvent, event: FindingEvent): FindingStep {
  const at = recorded.metadata.occurredAt;
  const where = {
    at: typeof at === 'string' ? at : recorded.recordedAt.toISOString(),
    eventId: recorded.eventId,
    position: recorded.position,
  };
  switch (event.type) {
    case 'FindingRaised':
      return { step: 'raised', ...where, actor: { ...event.data.raisedBy } };
    case 'FindingAssigned':
      return {
        step: 'assigned',
        ...where,
        actor: { ...event.data.assignedBy },
        assignee: { ...event.data.assignee },
        ...(event.data.note === undefined ? {} : { note: event.data.note }),
      };
    case 'FindingDisposed':
      return {
        step: 'disposed',
        ...where,
        actor: { ...event.data.disposedBy },
        disposition: event.data.disposition,
        ...(event.data.reason === undefined ? {} : { reason: event.data.reason }),
        ...(event.data.recovery === undefined ? {} : { recovery: { ...event.data.recovery } }),
      };
    case 'FindingReopened':
      return {
        step: 'reopened',
        ...where,
        actor: { ...event.data.reopenedBy },
        disposition: event.data.disposition,
        reason: event.data.reason,
      };
  }
}

/** A finding's steps in the projection are bounded, so a document stays small. */
export const findingStepsKeptMax = 50;

export interface FindingDocument extends ReadDocument {
  findingId: string;
  ruleId: string;
  ruleVersion: number;
  divisionCode: string;
  status: FindingStatus;
  /** Who checks it now; null before the first assignment and after a reopening. */
  assignee: FindingAssignee | null;
  /** The disposition in force; null unless disposed. */
  disposition: FindingDisposition | null;
  /** The steps so far, oldest first; past `findingStepsKeptMax`, the first half and the latest. */
  history: FindingStep[];
  subjectId: string;
  subjectName: string;
  /** The subject's ID number as `findingSubjectIdNumber` files it (the card and a person's history find findings by it). */
  subjectIdNumber: string;
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

  apply(current, event): Omit<FindingDocument, 'lastPosition'> {
    const finding = findingEventOf(event);
    if (finding === undefined) throw new Error(`invariant: ${event.type} is not a finding event`);
    const step = findingStepOf(event, finding);
    if (finding.type === 'FindingRaised') {
      const { data } = finding;
      return {
        id: data.findingId,
        findingId: data.findingId,
        ruleId: data.ruleId,
        ruleVersion: data.ruleVersion,
        divisionCode: data.divisionCode,
        status: 'raised',
        assignee: null,
        disposition: null,
        history: [step],
        subjectId: data.subject.id,
        subjectName: data.subject.name,
        subjectIdNumber: findingSubjectIdNumber(data.subject.idNumber),
        rosterId: data.subject.rosterId ?? null,
        row: data.subject.row ?? null,
        fundId: data.subject.fundId,
        purpose: data.subject.purpose,
        period: data.subject.period,
        explanation: data.explanation,
        registryRows: data.registryRows.length,
        checkId: data.checkId,
        raisedAt: step.at,
      };
    }
    invariant(current !== undefined, `${event.type} at ${event.position} before FindingRaised`);
    const { lastPosition: _position, ...document } = current as FindingDocument;
    const history = [...document.history, step];
    // Keep the first steps and the latest ones; a finding bounced up and down for years stays small.
    if (history.length > findingStepsKeptMax) history.splice(findingStepsKeptMax / 2, 1);
    switch (finding.type) {
      case 'FindingAssigned':
        return { ...document, status: 'assigned', assignee: { ...finding.data.assignee }, history };
      case 'FindingDisposed':
        return { ...document, status: 'disposed', disposition: finding.data.disposition, history };
      case 'FindingReopened':
        return { ...document, status: 'reopened', assignee: null, disposition: null, history };
    }
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
    fields: ['ruleId', 'status', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['subjectIdNumber', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['ruleId', 'disposition', 'divisionCode'],
  },
  {
    projection: findingsProjectionName,
    collection: findingsCollection,
    fields: ['rosterId', 'divisionCode'],
  },
];

/** The oversight context's projections, for the runner to register. */
export const oversightProjections: readonly Projection[] = [findingsProjection];
