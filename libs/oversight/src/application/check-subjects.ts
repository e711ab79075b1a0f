import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@sunlight/event-store';
import {
  fundLineEventOf,
  fundStreamCategory,
  poolEventOf,
  type DisbursementRequested,
} from '@sunlight/funds';
import {
  DIVISION_REGISTRY,
  parseVillageGroupCode,
  validateIdNumber,
  type DivisionRegistry,
} from '@sunlight/geo';
import { householdEventOf, householdStreamCategory } from '@sunlight/households';
import { projectEventOf, projectStreamCategory } from '@sunlight/projects';
import {
  divisionOfRosterId,
  rosterEventOf,
  rosterStreamName,
  type RosterEntryAccepted,
  type RosterUploaded,
} from '@sunlight/rosters';
import { CHECK_EVENTS, type CheckEvents } from '../check-events.port';
import {
  type CheckSubject,
  type EvidenceEvent,
  type HouseholdRegister,
  type Membership,
  type ProjectPayment,
  type ProjectPhoto,
  type ProjectRecord,
  type RecordKind,
  type RegisteredHousehold,
  type SubjectEvent,
} from '../domain';

/*
 * The subjects of a cross-check, gathered from the log: the accepted lines of the rosters in a
 * division (or of one roster), of one period when asked. A roster's id names its division, so the
 * rosters inside a division are the streams `roster-ro-<code>…`, and those of the divisions above
 * it (a county's roster can list this township's villages) are `roster-ro-<ancestor>-…`; their
 * lines are kept when their village lies inside the division. Rejected rosters are left out: they
 * will never be paid.
 *
 * A check of a division also looks at the payments to persons made there: the disbursements
 * requested from the funds pools of the division (`pool-<fundId>.<code>` with the code inside it),
 * read in the same pass over the log as the roster lines, with the fund lines (`fund-…`, one event
 * each) that give each payment's purpose category and fiscal year, and each roster line's purpose
 * category. A payment rejected, or failed at the bank, is left out (no money went); one made from
 * a roster line (its request carries `rosterEntry`) is not read at all: the line is its subject.
 * A check of one roster is about that roster's lines and reads no payment.
 *
 * When a rule selected needs them, a read of the log after the roster lines also gathers the
 * household register of the division (streams `household-hh-<code>…`; with the fund lines, for
 * the check of one roster) and its projects (`project-prj-<code>…`); the payments to those
 * projects come from one more read of the log's DisbursementRequested and DisbursementPaid
 * events, made only when the division has projects. A check of one roster looks at no project.
 */

export interface SubjectQuery {
  division: string;
  rosterId?: string;
  period?: string;
}

export interface CheckInputs {
  subjects: CheckSubject[];
  households?: HouseholdRegister;
  projects?: ProjectRecord[];
}

/** The roster events a check uses; the lines of a roster are its RosterEntryAccepted. */
const rosterEventsChecked = ['RosterUploaded', 'RosterEntryAccepted', 'RosterRejected'];
/** A payment's request, and the two ends that leave it out. */
const paymentEventsChecked = [
  'DisbursementRequested',
  'DisbursementRejected',
  'DisbursementFailed',
];
/** The funds pools' streams, `pool-<fundId>.<divisionCode>`. */
const poolStreamPrefix = 'pool-';

/** What a check takes from a fund line. */
interface FundLineFacts {
  category: string;
  fiscalYear: number;
}

interface RosterLines {
  uploaded?: RosterUploaded['data'];
  uploadedOn?: string;
  /** The RosterUploaded, shared by the subjects of all its lines. */
  listing?: SubjectEvent;
  /** Whether its lines are checked: inside the period asked for (known once it is uploaded). */
  inPeriod: boolean;
  rejected: boolean;
  /** Its lines as subjects, made as they are read (the RosterUploaded comes first). */
  subjects: CheckSubject[];
  /** Lines read before their roster's RosterUploaded, made subjects once it is read. */
  early: { data: RosterEntryAccepted['data']; recorded: RecordedEvent }[];
}

/**
 * One string for each value many subjects share (villages, days, amounts): a province's check
 * holds a million subjects, and the log's JSON gives each line its own copy of every value.
 */
class SharedStrings {
  private readonly known = new Map<string, string>();

  of(value: string): string {
    const known = this.known.get(value);
    if (known !== undefined) return known;
    this.known.set(value, value);
    return value;
  }
}

@Injectable()
export class CheckSubjects {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECK_EVENTS) private readonly events: CheckEvents,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  async load(query: SubjectQuery, records: readonly RecordKind[] = []): Promise<CheckInputs> {
    const rosters = new Map<string, RosterLines>();
    const households = records.includes('households') ? new HouseholdGathering() : undefined;
    const projects =
      records.includes('projects') && query.rosterId === undefined
        ? new ProjectGathering()
        : undefined;
    // A roster's check reads the register of the roster's division, where its lines can lie.
    const registerDivision =
      query.rosterId === undefined
        ? query.division
        : (divisionOfRosterId(query.rosterId) ?? query.division);
    // The fund lines (one event each) say which category of purpose each roster's money is for,
    // and of which fiscal year a payment is.
    const fundLines = new Map<string, FundLineFacts>();
    const payments =
      query.rosterId === undefined
        ? new PaymentGathering(query.division, this.divisions)
        : undefined;
    const recordPrefixes = [
      // A division's check reads the fund lines with the roster lines, below.
      ...(households === undefined
        ? []
        : [
            `${householdStreamCategory}-hh-${registerDivision}`,
            ...(query.rosterId === undefined ? [] : [`${fundStreamCategory}-`]),
          ]),
      ...(projects === undefined ? [] : [`${projectStreamCategory}-prj-${query.division}`]),
    ];
    const take = (recorded: RecordedEvent) => {
      if (households?.take(recorded) === true || projects?.take(recorded) === true) return;
      if (payments?.take(recorded) === true) return;
      const fundLine = fundLineEventOf(recorded);
      if (fundLine !== undefined) {
        fundLines.set(fundLine.data.fundId, {
          category: fundLine.data.purposeCategory,
          fiscalYear: fundLine.data.fiscalYear,
        });
        return;
      }
      const event = rosterEventOf(recorded);
      if (event === undefined) return;
      let lines = rosters.get(recorded.streamName);
      if (lines === undefined) {
        lines = { inPeriod: true, rejected: false, subjects: [], early: [] };
        rosters.set(recorded.streamName, lines);
      }
      if (event.type === 'RosterUploaded') {
        lines.uploaded = event.data;
        lines.listing = subjectEventOf(recorded);
        // The day in China, as the household register's days are: compared with them.
        lines.uploadedOn = chinaDayOf(recorded);
        lines.inPeriod = query.period === undefined || event.data.period === query.period;
        const { early } = lines;
        lines.early = [];
        for (const entry of early) addLine(lines, entry.data, entry.recorded);
      } else if (event.type === 'RosterEntryAccepted') {
        if (lines.uploaded === undefined) lines.early.push({ data: event.data, recorded });
        else addLine(lines, event.data, recorded);
      } else if (event.type === 'RosterRejected') lines.rejected = true;
    };
    const shared = new SharedStrings();
    // Each line becomes a subject as it is read, so that a province's check never holds its
    // million events and their subjects at once; the strings the lines share are kept once.
    const addLine = (
      lines: RosterLines,
      data: RosterEntryAccepted['data'],
      recorded: RecordedEvent,
    ) => {
      const { uploaded, uploadedOn, listing } = lines;
      if (uploaded === undefined || uploadedOn === undefined || listing === undefined) return;
      if (!lines.inPeriod) return;
      const villageCode = /^\d{12}$/.test(data.villageGroup)
        ? data.villageGroup
        : parseVillageGroupCode(data.villageGroup)?.villageCode;
      if (villageCode === undefined || !this.divisions.isWithin(villageCode, query.division))
        return;
      const appliedOn = data.appliedOn === undefined ? undefined : shared.of(data.appliedOn);
      // The fund line is usually read before the roster; when not, its category is added below.
      const fundCategory = fundLines.get(uploaded.fundId)?.category;
      // One literal with every property the subject will have: one added afterwards costs a
      // second store for the object's properties.
      lines.subjects.push({
        id: `roster-entry:${uploaded.rosterId}#${data.row}`,
        kind: 'roster-entry',
        name: data.name,
        idNumberAsWritten: data.idNumber,
        // The parser accepts valid, normalised ID numbers only.
        idNumber: data.idNumber,
        bankAccount: data.bankAccount,
        amountFen: shared.of(data.amountFen),
        villageCode: shared.of(villageCode),
        fundId: uploaded.fundId,
        purpose: uploaded.purpose,
        ...(fundCategory === undefined ? {} : { fundCategory }),
        period: uploaded.period,
        referenceDate: appliedOn ?? uploadedOn,
        ...(appliedOn === undefined ? {} : { appliedOn }),
        listedOn: uploadedOn,
        listing,
        event: subjectEventOf(recorded),
        rosterId: uploaded.rosterId,
        row: data.row,
      });
    };
    if (query.rosterId !== undefined) {
      for await (const recorded of this.store.readStream(rosterStreamName(query.rosterId)))
        take(recorded);
      if (recordPrefixes.length > 0)
        for await (const recorded of this.store.readAll({
          filter: { on: 'streamName', prefixes: recordPrefixes },
        }))
          take(recorded);
    } else {
      const prefixes = [
        `roster-ro-${query.division}`,
        ...this.divisions.ancestorsOf(query.division).map((a) => `roster-ro-${a.code}-`),
        `${fundStreamCategory}-`,
      ];
      // The roster lines (a province has millions) are read lean, and with them, in the same
      // pass, the fund lines and the payments of the division's pools; the records as above.
      for await (const recorded of this.events.read({
        streamPrefixes: prefixes,
        types: [...rosterEventsChecked, 'FundLineCreated', ...paymentEventsChecked],
        divisionStreams: {
          prefix: poolStreamPrefix,
          within: query.division,
          skipDataKeys: ['rosterEntry'],
        },
      }))
        take(recorded);
      if (recordPrefixes.length > 0)
        for await (const recorded of this.store.readAll({
          filter: { on: 'streamName', prefixes: recordPrefixes },
        }))
          take(recorded);
    }
    if (projects !== undefined && projects.size > 0)
      for await (const recorded of this.store.readAll({
        filter: { on: 'eventType', prefixes: ['DisbursementRequested', 'DisbursementPaid'] },
      }))
        projects.takePayment(recorded);
    const subjects: CheckSubject[] = [];
    for (const lines of rosters.values()) {
      const { uploaded } = lines;
      if (uploaded === undefined || lines.rejected) continue;
      // The fund line may be read after the roster (a roster's own check reads it last).
      const fundCategory = fundLines.get(uploaded.fundId)?.category;
      for (const subject of lines.subjects) {
        if (fundCategory !== undefined && subject.fundCategory !== fundCategory)
          subject.fundCategory = fundCategory;
        subjects.push(subject);
      }
      lines.subjects = [];
    }
    if (payments !== undefined) subjects.push(...payments.subjects(fundLines, query.period));
    return {
      subjects,
      ...(households === undefined ? {} : { households: households.register() }),
      ...(projects === undefined ? {} : { projects: projects.records() }),
    };
  }
}

function subjectEventOf(recorded: RecordedEvent) {
  return {
    eventId: recorded.eventId,
    position: recorded.position,
    streamName: recorded.streamName,
  };
}

function evidenceOf(recorded: RecordedEvent): EvidenceEvent {
  return { ...subjectEventOf(recorded), type: recorded.type };
}

/** The business day of an event (`metadata.occurredAt`) in China, as the household records say. */
function chinaDayOf(recorded: RecordedEvent): string {
  const at = recorded.metadata.occurredAt;
  const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  const ms = Number.isNaN(time) ? recorded.recordedAt.getTime() : time;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The payments to persons from the pools of a division, as subjects: each requested disbursement
 * whose beneficiary is a person, unless rejected or failed at the bank (no money went; a failed
 * one paid again is a new request). A payment returned afterwards (reversed, recovered) still
 * counts: it was made. Payments to households and projects are not a person's.
 */
class PaymentGathering {
  /** Requests by pool stream and transfer id. */
  private readonly requested = new Map<
    string,
    { data: DisbursementRequested['data']; recorded: RecordedEvent }
  >();
  private readonly ended = new Set<string>();

  constructor(
    private readonly division: string,
    private readonly divisions: DivisionRegistry,
  ) {}

  take(recorded: RecordedEvent): boolean {
    if (!recorded.streamName.startsWith(poolStreamPrefix)) return false;
    const event = poolEventOf(recorded);
    if (event === undefined || !this.divisions.isWithin(event.data.divisionCode, this.division))
      return true;
    const key = `${recorded.streamName}/${event.data.transferId}`;
    if (event.type === 'DisbursementRequested') {
      // The read leaves out the requests made from roster lines; the check holds no other.
      if (event.data.beneficiary.kind === 'person' && event.data.rosterEntry === undefined)
        this.requested.set(key, { data: event.data, recorded });
    } else if (event.type === 'DisbursementRejected' || event.type === 'DisbursementFailed')
      this.ended.add(key);
    return true;
  }

  subjects(fundLines: ReadonlyMap<string, FundLineFacts>, period?: string): CheckSubject[] {
    const subjects: CheckSubject[] = [];
    for (const [key, { data, recorded }] of this.requested) {
      if (this.ended.has(key)) continue;
      const fundLine = fundLines.get(data.fundId);
      const requestedOn = chinaDayOf(recorded);
      const fiscalYear = String(fundLine?.fiscalYear ?? requestedOn.slice(0, 4));
      if (period !== undefined && fiscalYear !== period) continue;
      const { beneficiary } = data;
      const idNumberAsWritten = beneficiary.idNumber ?? '';
      const id =
        beneficiary.idNumber === undefined
          ? { ok: false as const, message: 'no ID number was recorded' }
          : validateIdNumber(beneficiary.idNumber);
      const bankAccount = beneficiary.bankAccount?.replace(/[\s-]/g, '');
      subjects.push({
        id: `payment:${key}`,
        kind: 'payment',
        name: beneficiary.name,
        idNumberAsWritten,
        ...(id.ok ? { idNumber: id.idNumber } : { idNumberProblem: id.message }),
        ...(bankAccount === undefined || bankAccount === '' ? {} : { bankAccount }),
        amountFen: data.amountFen,
        // A pool pays anyone of its division: the payment's place is the pool's division.
        villageCode: data.divisionCode,
        fundId: data.fundId,
        purpose: data.purpose ?? fundLine?.category ?? '',
        ...(fundLine === undefined ? {} : { fundCategory: fundLine.category }),
        period: fiscalYear,
        referenceDate: requestedOn,
        listedOn: requestedOn,
        event: subjectEventOf(recorded),
      });
    }
    return subjects;
  }
}

/**
 * The household register, folded from the household streams in log order. A household entered
 * in a year after the one it was identified in (建档立卡 records backfilled into Sunlight) counts
 * as registered from the last day of its identification year, and so do the members added on the
 * day it was entered; a member added on a later day counts from that day.
 */
class HouseholdGathering {
  private readonly households = new Map<string, RegisteredHousehold & { enteredOn: string }>();
  private readonly stays: Membership[] = [];
  /** Each household's open stays by ID number. */
  private readonly open = new Map<string, Map<string, Membership>>();

  take(recorded: RecordedEvent): boolean {
    const event = householdEventOf(recorded);
    if (event === undefined) return recorded.streamName.startsWith(`${householdStreamCategory}-`);
    const { householdId } = event.data;
    if (event.type === 'HouseholdRegistered') {
      const enteredOn = chinaDayOf(recorded);
      const identifiedEnd = `${event.data.identifiedYear}-12-31`;
      this.households.set(householdId, {
        householdId,
        villageCode: event.data.villageCode,
        registeredOn: identifiedEnd < enteredOn ? identifiedEnd : enteredOn,
        registration: evidenceOf(recorded),
        enteredOn,
      });
      this.open.set(householdId, new Map());
      return true;
    }
    const household = this.households.get(householdId);
    const open = this.open.get(householdId);
    if (household === undefined || open === undefined) return true;
    if (event.type === 'MemberAdded') {
      const day = chinaDayOf(recorded);
      const withRegistration = day === household.enteredOn;
      const stay: Membership = {
        idNumber: event.data.idNumber,
        name: event.data.name,
        householdId,
        villageCode: household.villageCode,
        birthDate: event.data.birthDate,
        addedOn: withRegistration ? household.registeredOn : day,
        added: evidenceOf(recorded),
        ...(withRegistration ? { registration: household.registration } : {}),
      };
      this.stays.push(stay);
      open.set(stay.idNumber, stay);
    } else if (event.type === 'MemberRemoved') {
      const stay = open.get(event.data.idNumber);
      if (stay !== undefined) {
        stay.removedOn = event.data.date;
        stay.removed = evidenceOf(recorded);
        open.delete(event.data.idNumber);
      }
    }
    return true;
  }

  register(): HouseholdRegister {
    return {
      households: [...this.households.values()].map(
        ({ enteredOn: _entered, ...household }) => household,
      ),
      memberships: this.stays,
    };
  }
}

type GatheredProject = Omit<ProjectRecord, 'photos' | 'payments'> & {
  photos: ProjectPhoto[];
  payments: ProjectPayment[];
};

/** The projects of the division with their photos, and then the payments made to them. */
class ProjectGathering {
  private readonly projects = new Map<string, GatheredProject>();
  /** Requests to a project of the division, by pool stream and transfer id. */
  private readonly requested = new Map<string, { projectId: string; amountFen: string }>();

  get size(): number {
    return this.projects.size;
  }

  take(recorded: RecordedEvent): boolean {
    const event = projectEventOf(recorded);
    if (event === undefined) return recorded.streamName.startsWith(`${projectStreamCategory}-`);
    const { projectId } = event.data;
    if (event.type === 'ProjectPlanned') {
      this.projects.set(projectId, {
        projectId,
        divisionCode: event.data.divisionCode,
        name: event.data.name,
        category: event.data.category,
        plannedStart: event.data.plannedStart,
        planned: evidenceOf(recorded),
        photos: [],
        payments: [],
      });
      return true;
    }
    const project = this.projects.get(projectId);
    if (project === undefined) return true;
    switch (event.type) {
      case 'ProjectCompleted':
        project.completed = { on: event.data.date, event: evidenceOf(recorded) };
        break;
      case 'ProjectAccepted':
        if (event.data.result === '合格' && project.completed === undefined)
          project.completed = { on: event.data.date, event: evidenceOf(recorded) };
        break;
      case 'PhotoAdded':
        project.photos.push({
          sha256: event.data.sha256,
          dHash: event.data.dHash,
          stage: event.data.stage,
          uploadedAt: event.data.uploadedAt,
          added: evidenceOf(recorded),
        });
        break;
      case 'PhotoChecked': {
        const photo = project.photos.find((candidate) => candidate.sha256 === event.data.sha256);
        if (photo !== undefined)
          photo.check = {
            event: evidenceOf(recorded),
            hammingDistanceMax: event.data.hammingDistanceMax,
            duplicates: event.data.duplicates,
          };
        break;
      }
      default:
        break;
    }
    return true;
  }

  takePayment(recorded: RecordedEvent): void {
    const event = poolEventOf(recorded);
    if (event === undefined) return;
    const key = `${recorded.streamName}/${event.data.transferId}`;
    if (event.type === 'DisbursementRequested') {
      const { beneficiary } = event.data;
      if (beneficiary.kind === 'project' && this.projects.has(beneficiary.id))
        this.requested.set(key, { projectId: beneficiary.id, amountFen: event.data.amountFen });
    } else if (event.type === 'DisbursementPaid') {
      const request = this.requested.get(key);
      if (request === undefined) return;
      this.projects.get(request.projectId)?.payments.push({
        fundId: event.data.fundId,
        transferId: event.data.transferId,
        amountFen: request.amountFen,
        paidOn: chinaDayOf(recorded),
        paid: evidenceOf(recorded),
      });
    }
  }

  records(): ProjectRecord[] {
    return [...this.projects.values()];
  }
}
