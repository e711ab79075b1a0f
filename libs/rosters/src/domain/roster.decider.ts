import {
  evolveWith,
  invariant,
  validateCommandContext,
  fieldRules,
  type Actor,
  type CommandContext,
  type Decider,
} from '@sunlight/kernel';
import type { AcceptedEntry, CheckedEntry } from './roster-entry';
import type {
  RosterCheck,
  RosterEvent,
  RosterFile,
  RosterSettlementFileReceived,
  RosterUploaded,
} from './roster.events';
import { InvalidRosterCommandError, RosterStateError, SelfApprovalError } from './rosters.errors';

/*
 * A roster's life: uploaded (the file kept, a parse job started) → every line recorded as an
 * accepted or rejected entry, in row order → parsed (the counts) → approved by another person, or
 * rejected with a reason. Lines are recorded by a job in batches; a batch repeated after a crash
 * records only the rows after the last one recorded, so a retry writes nothing twice.
 */

export const rosterIdPattern = /^ro-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})-([0-9a-f]{12})$/;

export function rosterStreamName(rosterId: string): string {
  return `roster-${rosterId}`;
}

/** The division a roster id names (its division is part of the id), or undefined. */
export function divisionOfRosterId(rosterId: string): string | undefined {
  return rosterIdPattern.exec(rosterId)?.[1];
}

export interface UploadRoster extends CommandContext {
  readonly type: 'UploadRoster';
  readonly rosterId: string;
  readonly fundId: string;
  readonly divisionCode: string;
  readonly purpose: string;
  readonly period: string;
  readonly perPersonCapFen?: bigint;
  readonly file: RosterFile;
  readonly parseJobId: string;
  readonly duplicateOf?: string;
  readonly duplicateReason?: string;
}

export interface RecordRosterEntries extends CommandContext {
  readonly type: 'RecordRosterEntries';
  readonly rosterId: string;
  readonly entries: readonly CheckedEntry[];
}

export interface CompleteRosterParse extends CommandContext {
  readonly type: 'CompleteRosterParse';
  readonly rosterId: string;
  readonly check?: RosterCheck;
}

export interface ApproveRoster extends CommandContext {
  readonly type: 'ApproveRoster';
  readonly rosterId: string;
  readonly disbursementJobId: string;
  /** Required when lines to be paid are still flagged (`stillFlaggedRows`). */
  readonly reason?: string;
  /** Flagged lines (of the check) not to pay. */
  readonly excludedRows?: readonly number[];
  /**
   * The rows of the check's flagged lines that still have a finding holding up approval, as the
   * application read the findings just before; absent, every flagged line counts.
   */
  readonly stillFlaggedRows?: readonly number[];
}

export interface RejectRoster extends CommandContext {
  readonly type: 'RejectRoster';
  readonly rosterId: string;
  readonly reason: string;
}

export interface RecordSettlementFile extends CommandContext {
  readonly type: 'RecordSettlementFile';
  readonly rosterId: string;
  readonly file: RosterFile;
  readonly settlementJobId: string;
}

export type RosterCommand =
  | UploadRoster
  | RecordRosterEntries
  | CompleteRosterParse
  | ApproveRoster
  | RejectRoster
  | RecordSettlementFile;

export type RosterStatus = 'none' | 'parsing' | 'parsed' | 'approved' | 'rejected';

export interface RosterState {
  readonly status: RosterStatus;
  readonly uploaded?: RosterUploaded['data'];
  /** The highest row recorded so far (the header is row 1). */
  readonly lastRow: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly totalFen: bigint;
  readonly check?: RosterCheck;
  readonly approvedBy?: Actor;
  readonly disbursementJobId?: string;
  /** Rows excluded at approval: never requested. */
  readonly excludedRows?: readonly number[];
  readonly approvalReason?: string;
  /** Rows still flagged when it was approved (absent on approvals recorded before it was kept). */
  readonly approvalFlaggedRows?: readonly number[];
  /** Lines approved for payment and their total (the accepted ones less those excluded). */
  readonly approvedCount?: number;
  readonly approvedTotalFen?: bigint;
  readonly rejectedBy?: Actor;
  readonly rejectionReason?: string;
  /** Each bank settlement file received, in order. */
  readonly settlementFiles: readonly RosterSettlementFileReceived['data'][];
}

const rules = fieldRules((field, reason) => new InvalidRosterCommandError(field, reason));
const reasonLengthMax = 500;

export const initialRosterState = (): RosterState => ({
  status: 'none',
  lastRow: 1,
  accepted: 0,
  rejected: 0,
  totalFen: 0n,
  settlementFiles: [],
});

function decide(command: RosterCommand, state: RosterState): RosterEvent[] {
  validateCommandContext(command, rules);
  switch (command.type) {
    case 'UploadRoster':
      return upload(command, state);
    case 'RecordRosterEntries':
      return record(command, state);
    case 'CompleteRosterParse':
      if (state.status !== 'parsing') return [];
      return [
        {
          type: 'RosterParsed',
          data: {
            rosterId: command.rosterId,
            accepted: state.accepted,
            rejected: state.rejected,
            totalFen: state.totalFen.toString(),
            ...(command.check === undefined ? {} : { check: command.check }),
          },
        },
      ];
    case 'ApproveRoster':
      return approve(command, state);
    case 'RejectRoster':
      return reject(command, state);
    case 'RecordSettlementFile':
      return recordSettlementFile(command, state);
  }
}

function recordSettlementFile(command: RecordSettlementFile, state: RosterState): RosterEvent[] {
  requireUploaded(command.rosterId, state);
  // The same file again is the same settlement: its job already has it.
  if (state.settlementFiles.some((file) => file.fileSha256 === command.file.sha256)) return [];
  if (state.status !== 'approved') {
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} is ${state.status}; only an approved roster's payments are settled`,
    );
  }
  const { actor, file } = command;
  return [
    {
      type: 'RosterSettlementFileReceived',
      data: {
        rosterId: command.rosterId,
        fileSha256: file.sha256,
        fileName: file.name,
        bytes: file.bytes,
        format: file.format,
        ...(file.encoding === undefined ? {} : { encoding: file.encoding }),
        uploadedBy: { id: actor.id, role: actor.role, division: actor.division },
        settlementJobId: command.settlementJobId,
      },
    },
  ];
}

function upload(command: UploadRoster, state: RosterState): RosterEvent[] {
  // The id is chosen by the app, once; an upload under a taken id is a wiring bug.
  if (state.status !== 'none') {
    throw new RosterStateError(command.rosterId, state.status, `Roster ${command.rosterId} exists`);
  }
  rules.requirePattern('rosterId', command.rosterId, rosterIdPattern);
  invariant(
    divisionOfRosterId(command.rosterId) === command.divisionCode,
    `roster id ${command.rosterId} does not name division ${command.divisionCode}`,
  );
  const purpose = rules.requireText('purpose', command.purpose, 200);
  const period = rules.requireText('period', command.period, 64);
  if (command.perPersonCapFen !== undefined && command.perPersonCapFen <= 0n) {
    throw new InvalidRosterCommandError('perPersonCap', 'must be a positive amount of yuan');
  }
  const duplicateReason = rules.optionalText('reason', command.duplicateReason, reasonLengthMax);
  const { actor } = command;
  return [
    {
      type: 'RosterUploaded',
      data: {
        rosterId: command.rosterId,
        fundId: command.fundId,
        divisionCode: command.divisionCode,
        purpose,
        period,
        ...(command.perPersonCapFen === undefined
          ? {}
          : { perPersonCapFen: command.perPersonCapFen.toString() }),
        fileSha256: command.file.sha256,
        fileName: command.file.name,
        bytes: command.file.bytes,
        format: command.file.format,
        ...(command.file.encoding === undefined ? {} : { encoding: command.file.encoding }),
        uploadedBy: { id: actor.id, role: actor.role, division: actor.division },
        parseJobId: command.parseJobId,
        ...(command.duplicateOf === undefined ? {} : { duplicateOf: command.duplicateOf }),
        ...(duplicateReason === undefined ? {} : { duplicateReason }),
      },
    },
  ];
}

function record(command: RecordRosterEntries, state: RosterState): RosterEvent[] {
  if (state.status !== 'parsing') {
    // Lines arriving after the parse was completed are a retried batch already recorded.
    if (state.status === 'none') {
      throw new RosterStateError(command.rosterId, state.status, `No roster ${command.rosterId}`);
    }
    return [];
  }
  let lastRow = state.lastRow;
  const events: RosterEvent[] = [];
  for (const checked of command.entries) {
    const row = checked.entry.row;
    // Rows recorded by an earlier run of the job (before a crash) are not recorded again.
    if (row <= state.lastRow) continue;
    invariant(row > lastRow, `roster rows must rise: row ${row} after row ${lastRow}`);
    lastRow = row;
    events.push(
      checked.accepted
        ? { type: 'RosterEntryAccepted', data: acceptedData(command.rosterId, checked.entry) }
        : {
            type: 'RosterEntryRejected',
            data: { rosterId: command.rosterId, ...checked.entry },
          },
    );
  }
  return events;
}

function acceptedData(
  rosterId: string,
  entry: AcceptedEntry,
): Extract<RosterEvent, { type: 'RosterEntryAccepted' }>['data'] {
  const { amountFen, ...rest } = entry;
  return { rosterId, ...rest, amountFen: amountFen.toString() };
}

function approve(command: ApproveRoster, state: RosterState): RosterEvent[] {
  const uploaded = requireUploaded(command.rosterId, state);
  // Maker-checker first: the uploader is refused even once the roster is approved.
  if (uploaded.uploadedBy.id === command.actor.id) throw new SelfApprovalError(command.rosterId);
  if (state.status === 'approved' && state.disbursementJobId === command.disbursementJobId) {
    // The approver's own repeat is a replay (the same job); anyone else is told it is decided.
    if (state.approvedBy?.id === command.actor.id) return [];
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} was approved by another person already`,
    );
  }
  if (state.status !== 'parsed') {
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} is ${state.status}; only a parsed roster can be approved`,
    );
  }
  if (state.accepted === 0) {
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} has no accepted entry to pay`,
    );
  }
  const { actor } = command;
  const { excludedRows, excludedFen, reason, flaggedRows } = approvalOfFlagged(command, state);
  const accepted = state.accepted - excludedRows.length;
  if (accepted === 0) {
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} has no line left to pay once the excluded rows are left out`,
    );
  }
  return [
    {
      type: 'RosterApproved',
      data: {
        rosterId: command.rosterId,
        approvedBy: { id: actor.id, role: actor.role, division: actor.division },
        accepted,
        totalFen: (state.totalFen - excludedFen).toString(),
        disbursementJobId: command.disbursementJobId,
        ...(excludedRows.length === 0 ? {} : { excludedRows }),
        ...(reason === undefined ? {} : { reason }),
        ...(flaggedRows === undefined ? {} : { flaggedRows }),
      },
    },
  ];
}

/**
 * A roster whose lines are still flagged is approved only knowingly: when a flagged line is
 * still paid the approver gives the reason, or excludes the line (it is then not paid).
 *
 * The check fixed which lines were flagged, but the commissions dispose of the findings
 * meanwhile, so a line counts as still flagged only while one of its findings holds up approval
 * (`stillFlaggedRows`, which the application reads from the findings just before): a finding
 * still open (raised, assigned, reopened), and equally one disposed as confirmed, rectified or
 * recovered, since each says the line really is wrong and paying it again would undo what the
 * commission found. Only a line whose every finding was dismissed (a false alarm, with the
 * commission's reason) is paid without a word. Any line of the check may still be excluded, even
 * one cleared since. `flaggedRows` in RosterApproved records the still-flagged lines, so the log
 * shows what the approver was asked to answer for.
 */
function approvalOfFlagged(
  command: ApproveRoster,
  state: RosterState,
): { excludedRows: number[]; excludedFen: bigint; reason?: string; flaggedRows?: number[] } {
  const checked = state.check?.flagged ?? [];
  const flagged = new Map(checked.map((line) => [line.row, line]));
  const stillFlagged = new Set(command.stillFlaggedRows ?? flagged.keys());
  for (const row of stillFlagged)
    invariant(
      flagged.has(row),
      `row ${row} is said to be still flagged but the check never flagged it`,
    );
  const flaggedRows = checked.map((line) => line.row).filter((row) => stillFlagged.has(row));
  const reason = rules.optionalText('reason', command.reason, reasonLengthMax);
  const excludedRows = [...new Set(command.excludedRows ?? [])].sort((a, b) => a - b);
  let excludedFen = 0n;
  for (const row of excludedRows) {
    const line = flagged.get(row);
    if (line === undefined)
      throw new InvalidRosterCommandError(
        'excludedRows',
        `names row ${row}, which has no finding; only flagged rows can be excluded`,
      );
    excludedFen += BigInt(line.amountFen);
  }
  const stillPaid = flaggedRows.filter((row) => !excludedRows.includes(row));
  if (stillPaid.length > 0 && reason === undefined)
    throw new InvalidRosterCommandError(
      'reason',
      `is required: row${stillPaid.length > 1 ? 's' : ''} ${stillPaid.slice(0, 20).join(', ')}${stillPaid.length > 20 ? ', …' : ''} ha${stillPaid.length > 1 ? 've' : 's'} findings not dismissed (open, or found right); give a reason, or exclude the flagged rows (excludedRows)`,
    );
  return {
    excludedRows,
    excludedFen,
    ...(reason === undefined ? {} : { reason }),
    ...(state.check === undefined ? {} : { flaggedRows }),
  };
}

function reject(command: RejectRoster, state: RosterState): RosterEvent[] {
  const uploaded = requireUploaded(command.rosterId, state);
  if (uploaded.uploadedBy.id === command.actor.id) throw new SelfApprovalError(command.rosterId);
  const reason = rules.requireText('reason', command.reason, reasonLengthMax);
  if (state.status === 'rejected' && state.rejectionReason === reason) return [];
  if (state.status !== 'parsed') {
    throw new RosterStateError(
      command.rosterId,
      state.status,
      `Roster ${command.rosterId} is ${state.status}; only a parsed roster can be rejected`,
    );
  }
  const { actor } = command;
  return [
    {
      type: 'RosterRejected',
      data: {
        rosterId: command.rosterId,
        rejectedBy: { id: actor.id, role: actor.role, division: actor.division },
        reason,
      },
    },
  ];
}

function requireUploaded(rosterId: string, state: RosterState): RosterUploaded['data'] {
  if (state.uploaded === undefined) {
    throw new RosterStateError(rosterId, state.status, `No roster ${rosterId}`);
  }
  return state.uploaded;
}

const evolve = evolveWith<RosterState, RosterEvent>(
  {
    RosterUploaded: (state, { data }) => ({ ...state, status: 'parsing', uploaded: data }),
    RosterEntryAccepted: (state, { data }) => {
      invariant(data.row > state.lastRow, `roster row ${data.row} recorded after ${state.lastRow}`);
      return {
        ...state,
        lastRow: data.row,
        accepted: state.accepted + 1,
        totalFen: state.totalFen + BigInt(data.amountFen),
      };
    },
    RosterEntryRejected: (state, { data }) => {
      invariant(data.row > state.lastRow, `roster row ${data.row} recorded after ${state.lastRow}`);
      return { ...state, lastRow: data.row, rejected: state.rejected + 1 };
    },
    RosterParsed: (state, { data }) => ({
      ...state,
      status: 'parsed',
      ...(data.check === undefined ? {} : { check: data.check }),
    }),
    RosterApproved: (state, { data }) => ({
      ...state,
      status: 'approved',
      approvedBy: data.approvedBy,
      disbursementJobId: data.disbursementJobId,
      approvedCount: data.accepted,
      approvedTotalFen: BigInt(data.totalFen),
      ...(data.excludedRows === undefined ? {} : { excludedRows: data.excludedRows }),
      ...(data.reason === undefined ? {} : { approvalReason: data.reason }),
      ...(data.flaggedRows === undefined ? {} : { approvalFlaggedRows: data.flaggedRows }),
    }),
    RosterRejected: (state, { data }) => ({
      ...state,
      status: 'rejected',
      rejectedBy: data.rejectedBy,
      rejectionReason: data.reason,
    }),
    RosterSettlementFileReceived: (state, { data }) => ({
      ...state,
      settlementFiles: [...state.settlementFiles, data],
    }),
  },
  'roster',
);

export const rosterDecider: Decider<RosterState, RosterCommand, RosterEvent> = {
  initialState: initialRosterState,
  decide,
  evolve,
};
