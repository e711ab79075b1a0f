import {
  actorIdLengthMax,
  assertNever,
  sameJson,
  validateCommandContext,
  type Actor,
  type CommandContext,
} from '@sunlight/kernel';
import {
  FindingAuthorityError,
  FindingOrderError,
  findingFieldRules as rules,
} from '../finding.errors';
import { FindingNotFoundError } from '../oversight.errors';

/*
 * What a commission does with a finding (a lead, not a verdict): assign it to a member to check
 * (分派), dispose of it (处置) with what the check found, and, at a higher level, reopen a
 * disposal it does not accept (重新核查). The dispositions are what measure a rule's precision
 * (GET /api/v1/rules/:id/stats). Division codes reaching the decider are known divisions (the
 * application checks them against the registry), and a known code lies inside another exactly
 * when it starts with it, so containment here is a prefix test.
 */

/**
 * Where a finding stands: raised by a rule; assigned to a commission member to check; disposed
 * (处置) with what the check found; reopened (重新核查) by a higher level, after which it is
 * assigned and disposed again. Open means anything but disposed.
 */
export const findingStatuses = ['raised', 'assigned', 'disposed', 'reopened'] as const;
export type FindingStatus = (typeof findingStatuses)[number];
export const openFindingStatuses = [
  'raised',
  'assigned',
  'reopened',
] as const satisfies readonly FindingStatus[];

/**
 * 属实 confirmed; 不属实、予以了结 dismissed (the lead was wrong; a reason is required); 已整改
 * rectified (confirmed and put right, e.g. the person taken off the roster); 已追回 recovered
 * (confirmed and the money recovered, naming the FundsRecovered transfer).
 */
export const findingDispositions = ['confirmed', 'dismissed', 'rectified', 'recovered'] as const;
export type FindingDisposition = (typeof findingDispositions)[number];

/** Dispositions that found the lead right: they count as confirmed in a rule's precision. */
export const confirmingDispositions: readonly FindingDisposition[] = [
  'confirmed',
  'rectified',
  'recovered',
];

/**
 * Whether a finding still holds up the approval of the roster line it flags: anything but a
 * disposal as dismissed. Open, it is undecided; confirmed, rectified or recovered, the line really
 * is wrong, and paying it (again) would undo what the commission found. Only a false alarm,
 * dismissed with the commission's reason, clears the line.
 */
export function holdsUpApproval(state: Pick<FindingWorkflowState, 'status' | 'disposal'>): boolean {
  return !(state.status === 'disposed' && state.disposal?.disposition === 'dismissed');
}

export const findingReasonLengthMax = 2_000;
const divisionCodePattern = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;

/** A commission member who checks a finding: Sunlight keeps no staff list, so the assigner names them. */
export interface FindingAssignee {
  readonly id: string;
  readonly role: 'commission';
  /** The member's commission: it contains the finding's division. */
  readonly division: string;
}

/** The recovery (追回) a disposition `recovered` rests on, as the ledger holds it. */
export interface FindingRecovery {
  readonly transferId: string;
  readonly originalTransferId: string;
  readonly amountFen: string;
  /** The pool stream holding the FundsRecovered event, and that event's global position. */
  readonly streamName: string;
  readonly position: string;
}

export interface FindingAssigned {
  readonly type: 'FindingAssigned';
  readonly data: {
    readonly findingId: string;
    readonly assignee: FindingAssignee;
    readonly note?: string;
    readonly assignedBy: Actor;
  };
}

export interface FindingDisposed {
  readonly type: 'FindingDisposed';
  readonly data: {
    readonly findingId: string;
    readonly disposition: FindingDisposition;
    readonly reason?: string;
    readonly recovery?: FindingRecovery;
    /** The member the finding was assigned to when it was disposed. */
    readonly assignee: FindingAssignee;
    readonly disposedBy: Actor;
  };
}

export interface FindingReopened {
  readonly type: 'FindingReopened';
  readonly data: {
    readonly findingId: string;
    readonly reason: string;
    /** The disposition set aside, and who made it. */
    readonly disposition: FindingDisposition;
    readonly disposedBy: Actor;
    readonly reopenedBy: Actor;
  };
}

export type AssignFinding = CommandContext & {
  readonly type: 'AssignFinding';
  readonly findingId: string;
  readonly assignee: { readonly id: string; readonly division: string };
  readonly note?: string;
};

export type DisposeFinding = CommandContext & {
  readonly type: 'DisposeFinding';
  readonly findingId: string;
  readonly disposition: FindingDisposition;
  readonly reason?: string;
  readonly recovery?: FindingRecovery;
};

export type ReopenFinding = CommandContext & {
  readonly type: 'ReopenFinding';
  readonly findingId: string;
  readonly reason: string;
};

export type FindingWorkflowCommand = AssignFinding | DisposeFinding | ReopenFinding;

/** What the workflow's steps decide on; the finding's state extends it. */
export interface FindingWorkflowState {
  readonly raised?: { readonly divisionCode: string };
  /** Meaningful once raised. */
  readonly status: FindingStatus;
  /** Who checks it now: set by an assignment, cleared when it is reopened. */
  readonly assignee?: FindingAssignee;
  /** The disposition in force: set while disposed. */
  readonly disposal?: FindingDisposed['data'];
  /** The latest reopening: set while reopened. */
  readonly reopening?: FindingReopened['data'];
}
type WorkflowEvent = FindingAssigned | FindingDisposed | FindingReopened;

/** `inner` is `outer` or lies below it. */
export function divisionContains(outer: string, inner: string): boolean {
  return inner.startsWith(outer);
}

export function decideFindingWorkflow(
  command: FindingWorkflowCommand,
  state: FindingWorkflowState,
): WorkflowEvent[] {
  validateCommandContext(command, rules);
  const raised = state.raised;
  if (raised === undefined) throw new FindingNotFoundError(command.findingId);
  const { actor } = command;
  if (!divisionContains(actor.division, raised.divisionCode))
    throw new FindingAuthorityError(
      'OVERSIGHT.OUTSIDE_JURISDICTION',
      command.findingId,
      `Finding ${command.findingId} lies in ${raised.divisionCode}, outside your jurisdiction ${actor.division}.`,
    );
  switch (command.type) {
    case 'AssignFinding':
      return assign(command, state, raised.divisionCode);
    case 'DisposeFinding':
      return dispose(command, state);
    case 'ReopenFinding':
      return reopen(command, state);
    default:
      return assertNever(command, 'finding workflow command');
  }
}

function actorOf(actor: Actor): Actor {
  return { id: actor.id, role: actor.role, division: actor.division };
}

function assign(command: AssignFinding, state: FindingWorkflowState, findingDivision: string) {
  const value = command.assignee as AssignFinding['assignee'] | undefined;
  if (value === undefined || value === null || typeof value !== 'object')
    throw rules.invalid('assignee', 'is required: {id, division}');
  const assignee: FindingAssignee = {
    id: rules.requireText('assignee.id', value.id, actorIdLengthMax),
    role: 'commission',
    division: rules.requirePattern('assignee.division', value.division, divisionCodePattern),
  };
  if (!divisionContains(assignee.division, findingDivision))
    throw rules.invalid(
      'assignee.division',
      `must contain the finding's division ${findingDivision}: a commission of its township, county, prefecture or province`,
    );
  if (!divisionContains(command.actor.division, assignee.division))
    throw rules.invalid(
      'assignee.division',
      `must lie inside your jurisdiction ${command.actor.division}`,
    );
  const note = rules.optionalText('note', command.note, findingReasonLengthMax);
  if (state.status === 'disposed')
    throw new FindingOrderError(
      'OVERSIGHT.FINDING_ALREADY_DISPOSED',
      command.findingId,
      state.status,
      `Finding ${command.findingId} is disposed (${state.disposal?.disposition}); a higher level must reopen it before it is assigned again.`,
    );
  // The same assignment again (a retried request) records nothing new.
  if (state.status === 'assigned' && sameJson(state.assignee, assignee)) return [];
  const event: FindingAssigned = {
    type: 'FindingAssigned',
    data: {
      findingId: command.findingId,
      assignee,
      ...(note === undefined ? {} : { note }),
      assignedBy: actorOf(command.actor),
    },
  };
  return [event];
}

function dispose(command: DisposeFinding, state: FindingWorkflowState) {
  const disposition = rules.requireOneOf('disposition', command.disposition, findingDispositions);
  const reason =
    disposition === 'dismissed'
      ? rules.requireText('reason', command.reason, findingReasonLengthMax)
      : rules.optionalText('reason', command.reason, findingReasonLengthMax);
  const recovery = command.recovery;
  if (disposition === 'recovered' && recovery === undefined)
    throw rules.invalid('transferId', 'is required for the disposition recovered');
  if (disposition !== 'recovered' && recovery !== undefined)
    throw rules.invalid('transferId', 'is only for the disposition recovered');
  const facts = {
    disposition,
    ...(reason === undefined ? {} : { reason }),
    ...(recovery === undefined ? {} : { recovery }),
  };
  if (state.status === 'disposed') {
    const { disposition: was, reason: wasReason, recovery: wasRecovery } = state.disposal ?? {};
    const earlier = {
      disposition: was,
      ...(wasReason === undefined ? {} : { reason: wasReason }),
      ...(wasRecovery === undefined ? {} : { recovery: wasRecovery }),
    };
    // The same disposition again (a retried request) records nothing new.
    if (sameJson(earlier, facts)) return [];
    throw new FindingOrderError(
      'OVERSIGHT.FINDING_ALREADY_DISPOSED',
      command.findingId,
      state.status,
      `Finding ${command.findingId} is disposed already (${was}); a higher level must reopen it first.`,
    );
  }
  const assignee = state.assignee;
  if (state.status !== 'assigned' || assignee === undefined)
    throw new FindingOrderError(
      'OVERSIGHT.FINDING_NOT_ASSIGNED',
      command.findingId,
      state.status,
      `Finding ${command.findingId} is ${state.status}: assign it to a commission member before disposing of it.`,
    );
  if (!divisionContains(command.actor.division, assignee.division))
    throw new FindingAuthorityError(
      'OVERSIGHT.NOT_ASSIGNEES_LEVEL',
      command.findingId,
      `Finding ${command.findingId} is assigned to ${assignee.id} of ${assignee.division}; only that commission or one above it disposes of it.`,
    );
  const event: FindingDisposed = {
    type: 'FindingDisposed',
    data: {
      findingId: command.findingId,
      ...facts,
      assignee,
      disposedBy: actorOf(command.actor),
    },
  };
  return [event];
}

function reopen(command: ReopenFinding, state: FindingWorkflowState) {
  const reason = rules.requireText('reason', command.reason, findingReasonLengthMax);
  // The same reopening again (a retried request) records nothing new.
  if (
    state.status === 'reopened' &&
    state.reopening?.reason === reason &&
    state.reopening.reopenedBy.id === command.actor.id
  )
    return [];
  const disposal = state.disposal;
  if (state.status !== 'disposed' || disposal === undefined)
    throw new FindingOrderError(
      'OVERSIGHT.FINDING_NOT_DISPOSED',
      command.findingId,
      state.status,
      `Finding ${command.findingId} is ${state.status}: only a disposed finding is reopened.`,
    );
  const disposer = disposal.disposedBy;
  if (
    command.actor.division === disposer.division ||
    !divisionContains(command.actor.division, disposer.division)
  )
    throw new FindingAuthorityError(
      'OVERSIGHT.NOT_HIGHER_LEVEL',
      command.findingId,
      `Finding ${command.findingId} was disposed by the commission of ${disposer.division}; only a level above it reopens it.`,
    );
  const event: FindingReopened = {
    type: 'FindingReopened',
    data: {
      findingId: command.findingId,
      reason,
      disposition: disposal.disposition,
      disposedBy: disposer,
      reopenedBy: actorOf(command.actor),
    },
  };
  return [event];
}
