import type { RecordedEvent } from '@sunlight/event-store';
import { normaliseIdNumber } from '@sunlight/geo';
import { invariant } from '@sunlight/kernel';
import type { DocumentKey, Projection, ReadDocument, ReadIndex } from '@sunlight/read-store';
import {
  divisionOfFindingId,
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
 *
 * Beside them, one document per division (`divisionFindings`: the finding's village and each of
 * its ancestors) counts the open findings of its subtree by rule, so a dashboard reads one
 * document instead of counting findings under write load. The counts share the findings'
 * checkpoint, and each document skips the events it already holds, so a replay counts nothing
 * twice.
 */

export const findingsProjectionName = 'findings';
// 4: the per-division open counts (`divisionFindings`).
export const findingsProjectionVersion = 4;
export const findingsCollection = 'findings';
export const divisionFindingsCollection = 'divisionFindings';

/** Division code lengths from the province down to the village (GB/T 2260 and the village codes). */
const ancestorCodeLengths = [2, 4, 6, 9, 12] as const;

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

/**
 * The open findings (raised, assigned or reopened) of a division and everything below it, by
 * rule. A rule with none open is left out, so a document stays as small as what is open.
 */
export interface DivisionFindingsDocument extends ReadDocument {
  divisionCode: string;
  openTotal: number;
  openByRule: Record<string, number>;
}

/**
 * How a finding event moves the open count of its rule. The finding's decider allows a disposal
 * only of an open finding and a reopening only of a disposed one, so the event's type alone
 * says it; an assignment keeps the finding open and moves nothing.
 */
const openCountChange: Readonly<Record<FindingEvent['type'], -1 | 0 | 1>> = {
  FindingRaised: 1,
  FindingAssigned: 0,
  FindingDisposed: -1,
  FindingReopened: 1,
};

/** The count documents of a finding's division: it and each of its ancestors. */
export function divisionFindingsKeys(divisionCode: string): DocumentKey[] {
  return ancestorCodeLengths
    .filter((length) => length <= divisionCode.length)
    .map((length) => ({
      collection: divisionFindingsCollection,
      id: divisionCode.slice(0, length),
    }));
}

function applyToDivision(
  current: DivisionFindingsDocument | undefined,
  divisionCode: string,
  ruleId: string,
  change: -1 | 1,
): Omit<DivisionFindingsDocument, 'lastPosition'> {
  const open = (current?.openByRule[ruleId] ?? 0) + change;
  const openTotal = (current?.openTotal ?? 0) + change;
  invariant(
    open >= 0 && openTotal >= 0,
    `open findings of ${ruleId} in ${divisionCode} would be negative`,
  );
  const openByRule = { ...current?.openByRule, [ruleId]: open };
  if (open === 0) delete openByRule[ruleId];
  return { id: divisionCode, divisionCode, openTotal, openByRule };
}

export const findingsProjection: Projection = {
  name: findingsProjectionName,
  version: findingsProjectionVersion,
  filter: { on: 'streamName', prefixes: [`${findingCategory}-`] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const finding = findingEventOf(event);
    if (finding === undefined) return [];
    const { findingId } = finding.data;
    const own = { collection: findingsCollection, id: findingId };
    if (openCountChange[finding.type] === 0) return [own];
    const divisionCode = divisionOfFindingId(findingId);
    invariant(divisionCode !== undefined, `finding id ${findingId} names no division`);
    // The finding's own document first: the counts read its rule from it (`before`).
    return [own, ...divisionFindingsKeys(divisionCode)];
  },

  apply(current, event, key, before): Omit<ReadDocument, 'lastPosition'> {
    const finding = findingEventOf(event);
    if (finding === undefined) throw new Error(`invariant: ${event.type} is not a finding event`);
    if (key.collection === divisionFindingsCollection) {
      const change = openCountChange[finding.type];
      invariant(change !== 0, `${event.type} moves no open count`);
      // The rule never changes after the raise, so the finding's document names it even when it
      // already holds this event (a MongoDB replay after a crash between documents and checkpoint).
      const ruleId =
        finding.type === 'FindingRaised'
          ? finding.data.ruleId
          : (
              before({ collection: findingsCollection, id: finding.data.findingId }) as
                FindingDocument | undefined
            )?.ruleId;
      invariant(ruleId !== undefined, `${event.type} at ${event.position} before FindingRaised`);
      return applyToDivision(
        current as DivisionFindingsDocument | undefined,
        key.id,
        ruleId,
        change,
      );
    }
    return applyToFinding(current, event, finding);
  },
};

function applyToFinding(
  current: ReadDocument | undefined,
  event: RecordedEvent,
  finding: FindingEvent,
): Omit<FindingDocument, 'lastPosition'> {
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
}

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
