import type { RecordedEvent } from '@sunlight/event-store';
import type { DocumentKey, Projection, ReadDocument } from '@sunlight/read-store';
import { assertNever } from '@sunlight/kernel';
import {
  householdStreamCategory,
  type Evaluation,
  type ExitProcedure,
  type HouseholdStatus,
  type HouseholdEvent,
  type HouseholdRegistered,
  type Housing,
  type Helper,
  type IncomeRecord,
  type Member,
  type Policy,
  type Removal,
} from '../domain';
import { exitStepEventTypes, exitSteps, type ExitStepEvent } from '../domain';
import { householdEventOf } from '../stored-events';

/*
 * The household register as read models (projection `households`):
 * - `households`: one document per household, everything its card (明白卡) shows but the
 *   payments, which the card reads from the funds `payments` read model by the members' ID
 *   numbers. `villageCode` is a top-level field, so a prefix query lists a township's or a
 *   county's households.
 * - `people`: one document per ID number ever a member: the household it belongs to now (or
 *   last belonged to) and since when, and its earlier households.
 */

export const householdsProjectionName = 'households';
export const householdsProjectionVersion = 3;
export const householdsCollections = { households: 'households', people: 'people' } as const;

export type MemberEntry = Member & { since: string };
export type FormerMember = Removal & { since: string | null };
export type IncomeEntry = IncomeRecord & { recordedAt: string };

export type HouseholdDocument = Omit<HouseholdRegistered['data'], 'villageGroupCode'> & {
  id: string;
  lastPosition: string;
  villageGroupCode: string | null;
  status: HouseholdStatus;
  members: MemberEntry[];
  formerMembers: FormerMember[];
  memberCount: number;
  incomes: IncomeEntry[];
  housing: Housing | null;
  helper: Helper | null;
  policies: Policy[];
  industryProjects: { projectId: string; joinedOn: string }[];
  exit: ExitRecord;
  /** Whether a monitoring (防止返贫监测) is open; top-level so a division's list can ask for it. */
  monitored: boolean;
  /** The open monitoring's type, or null. */
  monitoringType: string | null;
  /** Every monitoring, oldest first; the open one has no elimination. */
  monitorings: MonitoringEntry[];
  registeredAt: string;
  registeredBy: string | null;
  updatedAt: string;
};

/** The exit side of a household: evaluations, the current (or last) procedure, returns. */
export type ExitRecord = {
  evaluations: (Evaluation & { evaluatedAt: string })[];
  procedure: ExitProcedure | null;
  exitedOn: string | null;
  returns: { cause: string; date: string }[];
};

export type MonitoringEntry = {
  monitoringId: string;
  monitoringType: string;
  riskTypes: string[];
  measures: string[];
  identifiedOn: string;
  note: string | null;
  eliminatedOn: string | null;
  rulesVersion: string | null;
};

export type PersonStay = {
  householdId: string;
  since: string;
  until: string | null;
  reason: string | null;
};

export type PersonDocument = {
  id: string;
  lastPosition: string;
  idNumber: string;
  name: string;
  householdId: string;
  villageCode: string;
  relation: string;
  active: boolean;
  since: string;
  until: string | null;
  removalReason: string | null;
  /** Every household the person was a member of, oldest first. */
  stays: PersonStay[];
};

/** Business time of the event (`metadata.occurredAt`), as the date a villager would say. */
function occurredOn(event: RecordedEvent): string {
  const occurredAt = event.metadata.occurredAt;
  const time = typeof occurredAt === 'string' ? Date.parse(occurredAt) : Number.NaN;
  const at = Number.isNaN(time) ? event.recordedAt.getTime() : time;
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' ? at : event.recordedAt.toISOString();
}

function actorIdOf(event: RecordedEvent): string | null {
  const actor = event.metadata.actor as { id?: unknown } | undefined;
  return typeof actor?.id === 'string' ? actor.id : null;
}

export const householdsProjection: Projection = {
  name: householdsProjectionName,
  version: householdsProjectionVersion,
  filter: { on: 'streamName', prefixes: [`${householdStreamCategory}-`] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const household = householdEventOf(event);
    if (household === undefined) return [];
    const keys: DocumentKey[] = [
      { collection: householdsCollections.households, id: household.data.householdId },
    ];
    if (household.type === 'MemberAdded' || household.type === 'MemberRemoved') {
      keys.push({ collection: householdsCollections.people, id: household.data.idNumber });
    }
    return keys;
  },

  apply(current, event, key): Omit<ReadDocument, 'lastPosition'> {
    const household = householdEventOf(event);
    if (household === undefined)
      throw new Error(`invariant: ${event.type} is not a household event`);
    if (key.collection === householdsCollections.people) {
      return applyToPerson(current as PersonDocument | undefined, household, event);
    }
    return applyToHousehold(current as HouseholdDocument | undefined, household, event);
  },
};

function applyToHousehold(
  current: HouseholdDocument | undefined,
  household: HouseholdEvent,
  event: RecordedEvent,
): Omit<HouseholdDocument, 'lastPosition'> {
  if (household.type === 'HouseholdRegistered') {
    const { villageGroupCode, ...data } = household.data;
    return {
      ...data,
      id: data.householdId,
      villageGroupCode: villageGroupCode ?? null,
      status: 'registered',
      members: [],
      formerMembers: [],
      memberCount: 0,
      incomes: [],
      housing: null,
      helper: null,
      policies: [],
      industryProjects: [],
      exit: { evaluations: [], procedure: null, exitedOn: null, returns: [] },
      monitored: false,
      monitoringType: null,
      monitorings: [],
      registeredAt: occurredAt(event),
      registeredBy: actorIdOf(event),
      updatedAt: occurredAt(event),
    };
  }
  if (current === undefined)
    throw new Error(
      `invariant: ${household.type} before registration of ${household.data.householdId}`,
    );
  const { lastPosition: _last, ...doc } = current;
  const next = { ...doc, updatedAt: occurredAt(event) };
  switch (household.type) {
    case 'MemberAdded': {
      const { householdId: _id, ...member } = household.data;
      const members = [...doc.members, { ...member, since: occurredOn(event) }];
      return { ...next, members, memberCount: members.length };
    }
    case 'MemberRemoved': {
      const { householdId: _id, ...removal } = household.data;
      const leaving = doc.members.find((member) => member.idNumber === removal.idNumber);
      const members = doc.members.filter((member) => member.idNumber !== removal.idNumber);
      const formerMembers = [...doc.formerMembers, { ...removal, since: leaving?.since ?? null }];
      return { ...next, members, formerMembers, memberCount: members.length };
    }
    case 'IncomeRecorded': {
      const { householdId: _id, ...record } = household.data;
      return { ...next, incomes: [...doc.incomes, { ...record, recordedAt: occurredAt(event) }] };
    }
    case 'HousingAssessed': {
      const { householdId: _id, ...housing } = household.data;
      return { ...next, housing };
    }
    case 'HelperAssigned': {
      const { householdId: _id, ...helper } = household.data;
      return { ...next, helper };
    }
    case 'PolicyEnjoyed': {
      const { householdId: _id, ...policy } = household.data;
      return { ...next, policies: [...doc.policies, policy] };
    }
    case 'IndustryProjectJoined': {
      const { projectId, joinedOn } = household.data;
      return { ...next, industryProjects: [...doc.industryProjects, { projectId, joinedOn }] };
    }
    case 'ExitEvaluated': {
      const { householdId: _id, ...evaluation } = household.data;
      const evaluations = [
        ...doc.exit.evaluations,
        { ...evaluation, evaluatedAt: occurredAt(event) },
      ];
      return { ...next, exit: { ...doc.exit, evaluations } };
    }
    case 'ExitApplied':
    case 'ExitVillageReviewed':
    case 'ExitTownshipReviewed':
    case 'ExitNoticePublished':
    case 'ExitApproved':
      return applyExitStep(next, household);
    case 'ReturnedToPoverty': {
      const { cause, date } = household.data;
      return {
        ...next,
        status: 'returned',
        exit: { ...doc.exit, returns: [...doc.exit.returns, { cause, date }] },
      };
    }
    case 'MonitoringStarted': {
      const { monitoringId, monitoringType, riskTypes, measures, identifiedOn, note } =
        household.data;
      const entry: MonitoringEntry = {
        monitoringId,
        monitoringType,
        riskTypes: [...riskTypes],
        measures: [...measures],
        identifiedOn,
        note: note ?? null,
        eliminatedOn: null,
        rulesVersion: null,
      };
      return {
        ...next,
        monitored: true,
        monitoringType,
        monitorings: [...(doc.monitorings ?? []), entry],
      };
    }
    case 'RiskEliminated': {
      const { monitoringId, eliminatedOn, rulesVersion } = household.data;
      const monitorings = (doc.monitorings ?? []).map((entry) =>
        entry.monitoringId === monitoringId ? { ...entry, eliminatedOn, rulesVersion } : entry,
      );
      return { ...next, monitored: false, monitoringType: null, monitorings };
    }
    default:
      return assertNever(household, 'household event');
  }
}

function applyExitStep(
  doc: Omit<HouseholdDocument, 'lastPosition'>,
  event: ExitStepEvent,
): Omit<HouseholdDocument, 'lastPosition'> {
  const step = exitSteps.find((name) => exitStepEventTypes[name] === event.type);
  if (step === undefined) throw new Error(`invariant: ${event.type} is not an exit step`);
  const { date, note } = event.data;
  const recorded = {
    step,
    date,
    ...(event.type === 'ExitNoticePublished' ? { endDate: event.data.endDate } : {}),
    ...(note === undefined ? {} : { note }),
  };
  if (event.type === 'ExitApplied') {
    const procedure = {
      year: event.data.year,
      evaluationId: event.data.evaluationId,
      steps: [recorded],
    };
    return { ...doc, status: 'exiting', exit: { ...doc.exit, procedure } };
  }
  const current = doc.exit.procedure;
  if (current === null) throw new Error(`invariant: ${event.type} outside an exit procedure`);
  const procedure = { ...current, steps: [...current.steps, recorded] };
  if (event.type === 'ExitApproved') {
    return { ...doc, status: 'exited', exit: { ...doc.exit, procedure, exitedOn: date } };
  }
  return { ...doc, exit: { ...doc.exit, procedure } };
}

function applyToPerson(
  current: PersonDocument | undefined,
  household: HouseholdEvent,
  event: RecordedEvent,
): Omit<PersonDocument, 'lastPosition'> {
  const stays = current?.stays ?? [];
  if (household.type === 'MemberAdded') {
    const { householdId, idNumber, name, relation } = household.data;
    const since = occurredOn(event);
    return {
      id: idNumber,
      idNumber,
      name,
      householdId,
      villageCode: householdId.slice(3, 15),
      relation,
      active: true,
      since,
      until: null,
      removalReason: null,
      stays: [...stays, { householdId, since, until: null, reason: null }],
    };
  }
  if (household.type !== 'MemberRemoved' || current === undefined) {
    throw new Error(`invariant: ${household.type} does not change a person`);
  }
  const { lastPosition: _last, ...person } = current;
  const { date, reason } = household.data;
  const closed = stays.map((stay, index) =>
    index === stays.length - 1 ? { ...stay, until: date, reason } : stay,
  );
  return { ...person, active: false, until: date, removalReason: reason, stays: closed };
}
