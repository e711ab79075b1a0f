import type { Actor } from '@sunlight/kernel';
import type { RosterState, RosterStatus } from './domain';

/** A roster as the API shows it: who uploaded it, the file, the counts, who decided on it. */
export interface RosterSummary {
  rosterId: string;
  status: RosterStatus;
  fundId: string;
  divisionCode: string;
  purpose: string;
  period: string;
  perPersonCap?: string;
  file: { sha256: string; name: string; bytes: number; format: string; encoding?: string };
  uploadedBy: Actor;
  parseJobId: string;
  duplicateOf?: string;
  duplicateReason?: string;
  rowsRecorded: number;
  accepted: number;
  rejected: number;
  total: string;
  /** What the cross-check found before the roster was parsed: the lines with open findings. */
  check?: {
    checkId: string;
    findings: number;
    flagged: { row: number; amount: string; findingIds: string[] }[];
  };
  approvedBy?: Actor;
  disbursementJobId?: string;
  /** Flagged rows the approver excluded (not paid), and the reason given for paying flagged ones. */
  excludedRows?: number[];
  approvalReason?: string;
  /** The check's flagged rows still flagged when it was approved (what the approver answered for). */
  approvalFlaggedRows?: number[];
  /** Lines approved for payment and their total: the accepted ones less those excluded. */
  approvedLines?: number;
  approvedTotal?: string;
  rejectedBy?: Actor;
  rejectionReason?: string;
  settlementFiles?: {
    file: { sha256: string; name: string; bytes: number; format: string; encoding?: string };
    uploadedBy: Actor;
    settlementJobId: string;
  }[];
}

export function formatYuanFen(fen: bigint): string {
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
}

export function rosterSummary(state: RosterState): RosterSummary | undefined {
  const uploaded = state.uploaded;
  if (uploaded === undefined) return undefined;
  return {
    rosterId: uploaded.rosterId,
    status: state.status,
    fundId: uploaded.fundId,
    divisionCode: uploaded.divisionCode,
    purpose: uploaded.purpose,
    period: uploaded.period,
    ...(uploaded.perPersonCapFen === undefined
      ? {}
      : { perPersonCap: formatYuanFen(BigInt(uploaded.perPersonCapFen)) }),
    file: {
      sha256: uploaded.fileSha256,
      name: uploaded.fileName,
      bytes: uploaded.bytes,
      format: uploaded.format,
      ...(uploaded.encoding === undefined ? {} : { encoding: uploaded.encoding }),
    },
    uploadedBy: uploaded.uploadedBy,
    parseJobId: uploaded.parseJobId,
    ...(uploaded.duplicateOf === undefined ? {} : { duplicateOf: uploaded.duplicateOf }),
    ...(uploaded.duplicateReason === undefined
      ? {}
      : { duplicateReason: uploaded.duplicateReason }),
    rowsRecorded: state.accepted + state.rejected,
    accepted: state.accepted,
    rejected: state.rejected,
    total: formatYuanFen(state.totalFen),
    ...(state.check === undefined
      ? {}
      : {
          check: {
            checkId: state.check.checkId,
            findings: state.check.findings,
            flagged: state.check.flagged.map((line) => ({
              row: line.row,
              amount: formatYuanFen(BigInt(line.amountFen)),
              findingIds: [...line.findingIds],
            })),
          },
        }),
    ...(state.approvedBy === undefined ? {} : { approvedBy: state.approvedBy }),
    ...(state.excludedRows === undefined ? {} : { excludedRows: [...state.excludedRows] }),
    ...(state.approvalReason === undefined ? {} : { approvalReason: state.approvalReason }),
    ...(state.approvalFlaggedRows === undefined
      ? {}
      : { approvalFlaggedRows: [...state.approvalFlaggedRows] }),
    ...(state.approvedCount === undefined ? {} : { approvedLines: state.approvedCount }),
    ...(state.approvedTotalFen === undefined
      ? {}
      : { approvedTotal: formatYuanFen(state.approvedTotalFen) }),
    ...(state.disbursementJobId === undefined
      ? {}
      : { disbursementJobId: state.disbursementJobId }),
    ...(state.rejectedBy === undefined ? {} : { rejectedBy: state.rejectedBy }),
    ...(state.rejectionReason === undefined ? {} : { rejectionReason: state.rejectionReason }),
    ...(state.settlementFiles.length === 0
      ? {}
      : {
          settlementFiles: state.settlementFiles.map((received) => ({
            file: {
              sha256: received.fileSha256,
              name: received.fileName,
              bytes: received.bytes,
              format: received.format,
              ...(received.encoding === undefined ? {} : { encoding: received.encoding }),
            },
            uploadedBy: received.uploadedBy,
            settlementJobId: received.settlementJobId,
          })),
        }),
  };
}
