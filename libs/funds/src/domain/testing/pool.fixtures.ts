import type { Actor } from '@sunlight/kernel';
import type {
  AllocationReceived,
  AllocationSent,
  ApproveDisbursement,
  AppropriateFunds,
  Beneficiary,
  DisbursementApproved,
  DisbursementFailed,
  DisbursementPaid,
  DisbursementRejected,
  DisbursementRequested,
  FundsAppropriated,
  FundsRecovered,
  ReceiveAllocation,
  RecoverFunds,
  RejectDisbursement,
  RequestDisbursement,
  ReverseTransfer,
  SendAllocation,
  SettleDisbursement,
  TransferReversed,
} from '../pool';

/** Commands and events of one county pool, so scenarios read as the domain and not as object literals. */
export const fundId = 'F2024-yn-001';
export const prefecture = '5303';
export const county = '530325';
export const township = '530325100';
export const otherTownship = '530326100';
export const occurredAt = '2024-03-01T08:00:00+08:00';

export const maker: Actor = { id: 'u-maker', role: 'county_finance', division: county };
export const checker: Actor = { id: 'u-checker', role: 'county_finance', division: county };
export const relay: Actor = { id: 'system:allocation-relay', role: 'system', division: '' };
export const bank: Actor = { id: 'system:bank-gateway', role: 'system', division: '' };

export const household: Beneficiary = {
  kind: 'household',
  id: 'household-5303251000010001',
  name: '张三',
  idNumber: '53032519800101001X',
  bankAccount: '6228480000000000001',
};

const commandBase = { fundId, divisionCode: county, occurredAt };
const eventBase = { fundId, divisionCode: county };

export const command = {
  appropriate: (transferId: string, amountFen: bigint): AppropriateFunds => ({
    type: 'AppropriateFunds',
    ...commandBase,
    actor: maker,
    transferId,
    amountFen,
  }),
  send: (
    transferId: string,
    amountFen: bigint,
    toDivisionCode = township,
    targetIsDirectChild = true,
  ): SendAllocation => ({
    type: 'SendAllocation',
    ...commandBase,
    actor: maker,
    transferId,
    toDivisionCode,
    amountFen,
    targetIsDirectChild,
  }),
  receive: (
    transferId: string,
    amountFen: bigint,
    fromDivisionCode = prefecture,
  ): ReceiveAllocation => ({
    type: 'ReceiveAllocation',
    ...commandBase,
    actor: relay,
    transferId,
    fromDivisionCode,
    amountFen,
  }),
  request: (
    transferId: string,
    amountFen: bigint,
    extra: Partial<
      Pick<
        RequestDisbursement,
        'allocationRef' | 'rosterEntryRef' | 'purpose' | 'beneficiary' | 'actor'
      >
    > = {},
  ): RequestDisbursement => ({
    type: 'RequestDisbursement',
    ...commandBase,
    actor: maker,
    transferId,
    beneficiary: household,
    amountFen,
    ...extra,
  }),
  approve: (transferId: string, actor: Actor = checker): ApproveDisbursement => ({
    type: 'ApproveDisbursement',
    ...commandBase,
    actor,
    transferId,
  }),
  reject: (
    transferId: string,
    reason = '花名册信息与档案不符',
    actor: Actor = checker,
  ): RejectDisbursement => ({
    type: 'RejectDisbursement',
    ...commandBase,
    actor,
    transferId,
    reason,
  }),
  paid: (transferId: string, bankReference = 'BK-20240301-0001'): SettleDisbursement => ({
    type: 'SettleDisbursement',
    ...commandBase,
    actor: bank,
    transferId,
    outcome: 'paid',
    bankReference,
  }),
  failed: (transferId: string, failureReason = '账户已销户'): SettleDisbursement => ({
    type: 'SettleDisbursement',
    ...commandBase,
    actor: bank,
    transferId,
    outcome: 'failed',
    failureReason,
  }),
  reverse: (
    transferId: string,
    originalTransferId: string,
    reason = '银行退回',
  ): ReverseTransfer => ({
    type: 'ReverseTransfer',
    ...commandBase,
    actor: maker,
    transferId,
    originalTransferId,
    reason,
  }),
  recover: (
    transferId: string,
    originalTransferId: string,
    amountFen: bigint,
    reason = '冒领追回',
  ): RecoverFunds => ({
    type: 'RecoverFunds',
    ...commandBase,
    actor: maker,
    transferId,
    originalTransferId,
    amountFen,
    reason,
  }),
};

export const event = {
  appropriated: (transferId: string, amountFen: string): FundsAppropriated => ({
    type: 'FundsAppropriated',
    data: { transferId, ...eventBase, amountFen },
  }),
  sent: (transferId: string, amountFen: string, toDivisionCode = township): AllocationSent => ({
    type: 'AllocationSent',
    data: { transferId, ...eventBase, toDivisionCode, amountFen },
  }),
  received: (
    transferId: string,
    amountFen: string,
    fromDivisionCode = prefecture,
  ): AllocationReceived => ({
    type: 'AllocationReceived',
    data: { transferId, ...eventBase, fromDivisionCode, amountFen },
  }),
  requested: (
    transferId: string,
    amountFen: string,
    extra: Partial<
      Pick<
        DisbursementRequested['data'],
        'allocationRef' | 'rosterEntryRef' | 'purpose' | 'beneficiary' | 'requestedBy'
      >
    > = {},
  ): DisbursementRequested => ({
    type: 'DisbursementRequested',
    data: {
      transferId,
      ...eventBase,
      beneficiary: household,
      amountFen,
      requestedBy: maker.id,
      ...extra,
    },
  }),
  approved: (
    transferId: string,
    amountFen: string,
    approvedBy = checker.id,
    requestedBy = maker.id,
  ): DisbursementApproved => ({
    type: 'DisbursementApproved',
    data: { transferId, ...eventBase, amountFen, requestedBy, approvedBy },
  }),
  rejected: (
    transferId: string,
    amountFen: string,
    reason = '花名册信息与档案不符',
    rejectedBy = checker.id,
  ): DisbursementRejected => ({
    type: 'DisbursementRejected',
    data: { transferId, ...eventBase, amountFen, rejectedBy, reason },
  }),
  paid: (
    transferId: string,
    amountFen: string,
    bankReference = 'BK-20240301-0001',
  ): DisbursementPaid => ({
    type: 'DisbursementPaid',
    data: { transferId, ...eventBase, amountFen, bankReference },
  }),
  failed: (transferId: string, amountFen: string, reason = '账户已销户'): DisbursementFailed => ({
    type: 'DisbursementFailed',
    data: { transferId, ...eventBase, amountFen, reason },
  }),
  reversed: (
    transferId: string,
    originalTransferId: string,
    amountFen: string,
    reason = '银行退回',
  ): TransferReversed => ({
    type: 'TransferReversed',
    data: { transferId, ...eventBase, originalTransferId, amountFen, reason },
  }),
  recovered: (
    transferId: string,
    originalTransferId: string,
    amountFen: string,
    reason = '冒领追回',
  ): FundsRecovered => ({
    type: 'FundsRecovered',
    data: { transferId, ...eventBase, originalTransferId, amountFen, reason },
  }),
};
