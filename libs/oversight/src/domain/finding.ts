import { createHash } from 'node:crypto';
import {
  evolveWith,
  invariant,
  type Actor,
  type CommandContext,
  type Decider,
} from '@sunlight/kernel';
import {
  decideFindingWorkflow,
  type FindingAssigned,
  type FindingDisposed,
  type FindingReopened,
  type FindingWorkflowCommand,
  type FindingWorkflowState,
} from './finding-workflow';
import type { EvidenceEvent } from './records';
import type { RegistryKind, RegistryRow } from './registries';
import type { Explanation, RuleHit, RuleParameters } from './rules/rule';
import type { CheckSubject, SubjectRef } from './subjects';

/*
 * A finding (疑点): one rule's hit on one subject, with the evidence it rests on, on stream
 * `finding-<findingId>`. Its id follows from the rule, its version, the subject and the evidence
 * (the registry rows by snapshot file and row, the other subjects, the parameters), so checking
 * unchanged data again raises nothing new, while a newer snapshot that still names the person
 * raises a new finding that points at it (the old one keeps pointing at the snapshot it used).
 */

export const findingCategory = 'finding';

/** `fd-<division code of the subject's village>-<24 hex digits>`. */
export const findingIdPattern = /^fd-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})-([0-9a-f]{24})$/;

export function findingStreamName(findingId: string): string {
  return `${findingCategory}-${findingId}`;
}

export function divisionOfFindingId(findingId: string): string | undefined {
  return findingIdPattern.exec(findingId)?.[1];
}

/** A registry row as a finding names it: enough to find it again, and to check its file. */
export interface RegistryRowRef {
  kind: RegistryKind;
  snapshotId: string;
  snapshotSha256: string;
  asOf: string;
  row: number;
}

/** The subject as the finding records it: what was checked, and where the log holds it. */
export interface FindingSubject extends SubjectRef {
  kind: CheckSubject['kind'];
  name: string;
  idNumber: string;
  villageCode: string;
  fundId: string;
  purpose: string;
  period: string;
  referenceDate: string;
  amountFen: string;
}

export interface FindingRaised {
  readonly type: 'FindingRaised';
  readonly data: {
    readonly findingId: string;
    readonly ruleId: string;
    readonly ruleVersion: number;
    /** The subject's village: the finding belongs to it and to every division above. */
    readonly divisionCode: string;
    readonly subject: FindingSubject;
    readonly related: readonly SubjectRef[];
    readonly registryRows: readonly RegistryRowRef[];
    /** Other events the lead rests on (household, project, payment events); absent when none. */
    readonly events?: readonly EvidenceEvent[];
    readonly parameters: RuleParameters;
    readonly explanation: Explanation;
    /** The cross-check (its job id) that raised it first. */
    readonly checkId: string;
    readonly raisedBy: Actor;
  };
}

export type FindingEvent = FindingRaised | FindingAssigned | FindingDisposed | FindingReopened;
export const findingEventTypes = [
  'FindingRaised',
  'FindingAssigned',
  'FindingDisposed',
  'FindingReopened',
] as const satisfies readonly FindingEvent['type'][];

export type RaiseFinding = CommandContext & {
  readonly type: 'RaiseFinding';
} & Omit<FindingRaised['data'], 'raisedBy'>;

export type FindingCommand = RaiseFinding | FindingWorkflowCommand;

export interface FindingState extends FindingWorkflowState {
  readonly raised?: FindingRaised['data'];
}

export const findingDecider: Decider<FindingState, FindingCommand, FindingEvent> = {
  initialState: () => ({ status: 'raised' }),
  decide(command, state) {
    switch (command.type) {
      case 'AssignFinding':
      case 'DisposeFinding':
      case 'ReopenFinding':
        return decideFindingWorkflow(command, state);
      case 'RaiseFinding': {
        // Raised before (the same rule, subject and evidence): nothing new.
        if (state.raised !== undefined) return [];
        const { type: _type, actor, occurredAt: _at, ...data } = command;
        return [
          {
            type: 'FindingRaised',
            data: {
              ...data,
              raisedBy: { id: actor.id, role: actor.role, division: actor.division },
            },
          },
        ];
      }
    }
  },
  evolve: evolveWith<FindingState, FindingEvent>(
    {
      FindingRaised: (state, event) => ({ ...state, raised: event.data, status: 'raised' }),
      FindingAssigned: (state, event) => {
        invariant(
          state.raised !== undefined && state.status !== 'disposed',
          `FindingAssigned on a finding that is ${state.raised === undefined ? 'not raised' : state.status}`,
        );
        return { raised: state.raised, status: 'assigned', assignee: event.data.assignee };
      },
      FindingDisposed: (state, event) => {
        invariant(
          state.raised !== undefined && state.status === 'assigned',
          `FindingDisposed on a finding that is ${state.raised === undefined ? 'not raised' : state.status}`,
        );
        return { ...state, status: 'disposed', disposal: event.data, reopening: undefined };
      },
      FindingReopened: (state, event) => {
        invariant(
          state.raised !== undefined && state.status === 'disposed',
          `FindingReopened on a finding that is ${state.raised === undefined ? 'not raised' : state.status}`,
        );
        return { raised: state.raised, status: 'reopened', reopening: event.data };
      },
    },
    'finding',
  ),
};

/**
 * The finding a hit becomes. `snapshotOf` names the snapshot each registry row was read from;
 * `subject` is the hit's subject as checked.
 */
export function findingOfHit(
  hit: RuleHit,
  subject: CheckSubject,
  snapshotOf: (row: RegistryRow) => string,
): Omit<FindingRaised['data'], 'checkId' | 'raisedBy'> {
  const registryRows = hit.registryRows.map((row): RegistryRowRef => ({
    kind: row.kind,
    snapshotId: snapshotOf(row),
    snapshotSha256: row.source.snapshotSha256,
    asOf: row.source.asOf,
    row: row.source.row,
  }));
  const fingerprint = JSON.stringify([
    hit.ruleId,
    hit.ruleVersion,
    hit.subject.id,
    registryRows.map((ref) => `${ref.kind}:${ref.snapshotSha256}:${ref.row}`).sort(),
    hit.related.map((ref) => ref.id).sort(),
    hit.parameters,
    // Appended only when there are any, so that the ids of the rules without them stay as they were.
    ...(hit.events.length === 0
      ? []
      : [hit.events.map((event) => `${event.streamName}@${event.position}`).sort()]),
  ]);
  const digest = createHash('sha256').update(fingerprint).digest('hex').slice(0, 24);
  return {
    findingId: `fd-${subject.villageCode}-${digest}`,
    ruleId: hit.ruleId,
    ruleVersion: hit.ruleVersion,
    divisionCode: subject.villageCode,
    subject: {
      ...hit.subject,
      kind: subject.kind,
      name: subject.name,
      idNumber: subject.idNumberAsWritten,
      villageCode: subject.villageCode,
      fundId: subject.fundId,
      purpose: subject.purpose,
      period: subject.period,
      referenceDate: subject.referenceDate,
      amountFen: subject.amountFen,
    },
    related: hit.related,
    registryRows,
    ...(hit.events.length === 0 ? {} : { events: hit.events }),
    parameters: hit.parameters,
    explanation: hit.explanation,
  };
}
