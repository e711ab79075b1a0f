import type { CheckSubject, SubjectEvent } from './subjects';

/*
 * Sunlight's own records a few rules look at beside the subjects: the household register
 * (建档立卡) and the projects with their photo evidence and payments, as plain data the
 * application gathers from the log. Each fact names the event that records it, so a lead's
 * evidence points at the exact events and positions it rests on.
 */

/** An event a lead rests on, beside its subject: where the log holds it and what it is. */
export interface EvidenceEvent extends SubjectEvent {
  type: string;
}

/** A registered household (HouseholdRegistered). */
export interface RegisteredHousehold {
  householdId: string;
  villageCode: string;
  /**
   * The day it counts as registered from (YYYY-MM-DD, China time): the business day of
   * HouseholdRegistered, or the last day of its identification year when it was entered later.
   */
  registeredOn: string;
  registration: EvidenceEvent;
}

/** One stay of a person in a registered household: MemberAdded, and MemberRemoved if it ended. */
export interface Membership {
  idNumber: string;
  name: string;
  householdId: string;
  villageCode: string;
  birthDate: string;
  /**
   * The day the person counts as a member from: the business day of MemberAdded, or the
   * household's registeredOn for a member entered on the day the household was.
   */
  addedOn: string;
  added: EvidenceEvent;
  /** The household's HouseholdRegistered, when the member was entered with it. */
  registration?: EvidenceEvent;
  /** MemberRemoved's date: the member is not active from that day on. */
  removedOn?: string;
  removed?: EvidenceEvent;
}

/** The household register of the division checked. */
export interface HouseholdRegister {
  households: readonly RegisteredHousehold[];
  memberships: readonly Membership[];
}

/** Whether a stay covers `day`: added on or before it and not removed by then. */
export function activeOn(membership: Membership, day: string): boolean {
  return (
    membership.addedOn <= day && (membership.removedOn === undefined || membership.removedOn > day)
  );
}

/** A photo of a project (PhotoAdded) and the duplicates its arrival check found (PhotoChecked). */
export interface ProjectPhoto {
  sha256: string;
  dHash: string;
  stage: string;
  uploadedAt: string;
  added: EvidenceEvent;
  /** Absent while the photo's check has not been recorded. */
  check?: {
    event: EvidenceEvent;
    hammingDistanceMax: number;
    duplicates: readonly {
      kind: 'exact' | 'near';
      projectId: string;
      sha256: string;
      distance: number;
    }[];
  };
}

/** A settled payment (DisbursementPaid) to the project as beneficiary. */
export interface ProjectPayment {
  fundId: string;
  transferId: string;
  amountFen: string;
  /** The day the bank's settlement was recorded (YYYY-MM-DD). */
  paidOn: string;
  paid: EvidenceEvent;
}

/** A project (扶贫项目) as the project rules see it. */
export interface ProjectRecord {
  projectId: string;
  /** The village (12 digits) or township (9 digits) it is in. */
  divisionCode: string;
  name: string;
  category: string;
  plannedStart: string;
  planned: EvidenceEvent;
  /** ProjectCompleted (or, without one, a passed acceptance), when recorded. */
  completed?: { on: string; event: EvidenceEvent };
  photos: readonly ProjectPhoto[];
  payments: readonly ProjectPayment[];
}

/**
 * A project as the subject of a lead: the findings name it like a roster line, with the project's
 * name, its division, its category as the purpose and what it was paid as the amount.
 */
export function projectSubject(project: ProjectRecord): CheckSubject {
  const paidFen = project.payments.reduce((sum, payment) => sum + BigInt(payment.amountFen), 0n);
  const firstPayment = project.payments[0];
  const lastPaidOn = project.payments.reduce<string | undefined>(
    (last, payment) => (last === undefined || payment.paidOn > last ? payment.paidOn : last),
    undefined,
  );
  const day = lastPaidOn ?? project.plannedStart;
  const { type: _type, ...planned } = project.planned;
  return {
    id: `project:${project.projectId}`,
    kind: 'project',
    name: project.name,
    idNumberAsWritten: '',
    amountFen: paidFen.toString(),
    villageCode: project.divisionCode,
    fundId: firstPayment?.fundId ?? '',
    purpose: project.category,
    period: day.slice(0, 4),
    referenceDate: day,
    listedOn: day,
    event: planned,
  };
}
