import type { PoolCommand } from './commands';
import type { TransferStep } from './claims';

/** Which step of its transfer each command records: the claim that finds its outcome. */
export const poolCommandSteps: Readonly<Record<PoolCommand['type'], TransferStep>> = {
  AppropriateFunds: 'start',
  SendAllocation: 'start',
  ReceiveAllocation: 'received',
  RequestDisbursement: 'start',
  ApproveDisbursement: 'decision',
  RejectDisbursement: 'decision',
  SettleDisbursement: 'settlement',
  ReverseTransfer: 'start',
  RecoverFunds: 'start',
  ReserveRosterBatch: 'start',
  ReleaseRosterBatch: 'decision',
  RequestRosterDisbursements: 'start',
};

/** The reason a person gave with the command, which its events' metadata carry. */
export function poolCommandReason(command: PoolCommand): string | undefined {
  switch (command.type) {
    case 'RejectDisbursement':
    case 'ReleaseRosterBatch':
    case 'ReverseTransfer':
    case 'RecoverFunds':
      return command.reason;
    case 'SettleDisbursement':
      return command.failureReason;
    default:
      return undefined;
  }
}
