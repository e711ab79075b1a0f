/**
 * What a rule looks at: one roster line or one payment, as plain data gathered by the
 * application from the log (the rules themselves read nothing); or, for the rules on project
 * evidence, one project (`projectSubject`), which has no ID number.
 */
export interface CheckSubject {
  /**
   * Stable: `roster-entry:<rosterId>#<row>`, `payment:<pool stream>/<transferId>` or
   * `project:<projectId>`.
   */
  id: string;
  kind: 'roster-entry' | 'payment' | 'project';
  name: string;
  /** The ID number exactly as written: evidence, even when it is not a valid one. */
  idNumberAsWritten: string;
  /** Normalised (GB 11643); absent when it is not a valid number, which is then never matched. */
  idNumber?: string;
  /** Why the number is not valid, when it is not. */
  idNumberProblem?: string;
  /** Digits only (a payment's: as its request recorded it, less spaces and dashes). */
  bankAccount?: string;
  /** Integer fen, as a decimal string. */
  amountFen: string;
  /**
   * The village (12 digits) the line is for; for a payment, the division of the pool that paid
   * it (a village's, a township's or a county's: a person paid directly names no village).
   */
  villageCode: string;
  fundId: string;
  /**
   * What the money is for, as the roster (or the payment's request) names it: free text; for a
   * payment that names none, its fund line's purpose category.
   */
  purpose: string;
  /**
   * The fund line's purpose category (产业发展, 危房改造, … of a closed list), when the check read
   * the fund line: the rules that ask what the money is for look at it before `purpose`.
   */
  fundCategory?: string;
  /** The roster's period (free text), or the payment's fiscal year (its fund line's, `2019`). */
  period: string;
  /**
   * The day the person's situation is judged at (YYYY-MM-DD): the application date when the
   * roster has one, else the day the roster was uploaded; for a payment, the day it was requested.
   */
  referenceDate: string;
  /** The application date the line gives, when it gives one. */
  appliedOn?: string;
  /**
   * The day the subject was put forward for payment (YYYY-MM-DD): the day its roster was
   * uploaded (the roster is checked then, before approval and payment), or the day the payment
   * was requested.
   */
  listedOn: string;
  /** The event that put it forward: the roster's RosterUploaded (absent for a payment). */
  listing?: SubjectEvent;
  /** The event that records the subject in the log (a payment's: its DisbursementRequested). */
  event: SubjectEvent;
  rosterId?: string;
  /** 1-based data row of the roster file. */
  row?: number;
}

export interface SubjectEvent {
  eventId: string;
  position: string;
  streamName: string;
}

/** A subject as a finding's evidence names it. */
export interface SubjectRef {
  id: string;
  event: SubjectEvent;
  rosterId?: string;
  row?: number;
}

export function refOf(subject: CheckSubject): SubjectRef {
  return {
    id: subject.id,
    event: subject.event,
    ...(subject.rosterId === undefined ? {} : { rosterId: subject.rosterId }),
    ...(subject.row === undefined ? {} : { row: subject.row }),
  };
}

/** YYYY-MM-DD of a date or a timestamp. */
export function dayOf(value: string): string {
  return value.slice(0, 10);
}

/** The day `days` after `day` (YYYY-MM-DD), in UTC calendar days. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** Whole UTC calendar days from `from` to `to` (both YYYY-MM-DD): negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const dayMs = 86_400_000;
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}
