import type { Actor } from '@sunlight/kernel';

/** The events of a roster (stream `roster-<rosterId>`); amounts are fen as digit strings. */

export const rosterFileFormats = ['csv', 'xlsx'] as const;
export type RosterFileFormat = (typeof rosterFileFormats)[number];

export interface RosterFile {
  readonly sha256: string;
  readonly name: string;
  readonly bytes: number;
  readonly format: RosterFileFormat;
  /** For CSV: the text encoding it was read in. */
  readonly encoding?: 'utf-8' | 'gb18030';
}

export interface RosterUploaded {
  readonly type: 'RosterUploaded';
  readonly data: {
    readonly rosterId: string;
    readonly fundId: string;
    readonly divisionCode: string;
    readonly purpose: string;
    readonly period: string;
    readonly perPersonCapFen?: string;
    readonly fileSha256: string;
    readonly fileName: string;
    readonly bytes: number;
    readonly format: RosterFileFormat;
    readonly encoding?: string;
    readonly uploadedBy: Actor;
    readonly parseJobId: string;
    /** Set when the same file was knowingly uploaded again for the same fund and division. */
    readonly duplicateOf?: string;
    readonly duplicateReason?: string;
  };
}

export interface RosterEntryAccepted {
  readonly type: 'RosterEntryAccepted';
  readonly data: {
    readonly rosterId: string;
    readonly row: number;
    readonly name: string;
    readonly idNumber: string;
    readonly villageGroup: string;
    readonly bankAccount: string;
    readonly amountFen: string;
    readonly householdId?: string;
    readonly appliedOn?: string;
    readonly phone?: string;
    readonly note?: string;
    readonly extra?: Readonly<Record<string, string>>;
  };
}

export interface RosterEntryRejected {
  readonly type: 'RosterEntryRejected';
  readonly data: {
    readonly rosterId: string;
    readonly row: number;
    readonly field: string;
    readonly reason: string;
    readonly values: Readonly<Record<string, string>>;
  };
}

export interface RosterParsed {
  readonly type: 'RosterParsed';
  readonly data: {
    readonly rosterId: string;
    readonly accepted: number;
    readonly rejected: number;
    readonly totalFen: string;
    /** The cross-check of the accepted lines, when the app checks rosters. */
    readonly check?: RosterCheck;
  };
}

/** What the cross-check found on a roster's lines: each flagged line and its findings. */
export interface RosterCheck {
  readonly checkId: string;
  readonly findings: number;
  readonly flagged: readonly {
    readonly row: number;
    readonly amountFen: string;
    readonly findingIds: readonly string[];
  }[];
}

export interface RosterApproved {
  readonly type: 'RosterApproved';
  readonly data: {
    readonly rosterId: string;
    readonly approvedBy: Actor;
    /** Lines to be paid: the accepted ones less those excluded. */
    readonly accepted: number;
    readonly totalFen: string;
    readonly disbursementJobId: string;
    /** Flagged lines the approver excluded: they are not paid. */
    readonly excludedRows?: readonly number[];
    /** Why the roster is approved although lines paid have open findings. */
    readonly reason?: string;
    /**
     * The rows of the check's flagged lines that still had a finding holding up approval when it
     * was approved (what the approver was shown), in row order; set whenever the roster was
     * checked, absent from approvals recorded before it was kept.
     */
    readonly flaggedRows?: readonly number[];
  };
}

export interface RosterRejected {
  readonly type: 'RosterRejected';
  readonly data: { readonly rosterId: string; readonly rejectedBy: Actor; readonly reason: string };
}

/** A bank's settlement file for the roster's payments, kept as uploaded; a job applies its lines. */
export interface RosterSettlementFileReceived {
  readonly type: 'RosterSettlementFileReceived';
  readonly data: {
    readonly rosterId: string;
    readonly fileSha256: string;
    readonly fileName: string;
    readonly bytes: number;
    readonly format: RosterFileFormat;
    readonly encoding?: string;
    readonly uploadedBy: Actor;
    readonly settlementJobId: string;
  };
}

export type RosterEvent =
  | RosterUploaded
  | RosterEntryAccepted
  | RosterEntryRejected
  | RosterParsed
  | RosterApproved
  | RosterRejected
  | RosterSettlementFileReceived;

export const rosterEventTypes: readonly RosterEvent['type'][] = [
  'RosterUploaded',
  'RosterEntryAccepted',
  'RosterEntryRejected',
  'RosterParsed',
  'RosterApproved',
  'RosterRejected',
  'RosterSettlementFileReceived',
];
