import type { PoolCommand } from './commands';
import type { PoolEvent } from './events';

/** The event types that record each command's outcome, for answers to new and repeated requests. */
export const poolOutcomeTypes: Readonly<Record<PoolCommand['type'], readonly PoolEvent['type'][]>> =
  {
    AppropriateFunds: ['FundsAppropriated'],
    SendAllocation: ['AllocationSent'],
    ReceiveAllocation: ['AllocationReceived'],
    RequestDisbursement: ['DisbursementRequested'],
    ApproveDisbursement: ['DisbursementApproved'],
    RejectDisbursement: ['DisbursementRejected'],
    SettleDisbursement: ['DisbursementPaid', 'DisbursementFailed'],
    ReverseTransfer: ['TransferReversed'],
    RecoverFunds: ['FundsRecovered'],
  };

/** Commands that start a new transfer, whose id must be new across the whole log. */
export function startsTransfer(command: PoolCommand): boolean {
  switch (command.type) {
    case 'SendAllocation':
    case 'RequestDisbursement':
    case 'ReverseTransfer':
    case 'RecoverFunds':
    case 'AppropriateFunds':
      return true;
    default:
      return false;
  }
}

/** The reason a person gave with the command, which its events' metadata carry. */
export function poolCommandReason(command: PoolCommand): string | undefined {
  switch (command.type) {
    case 'RejectDisbursement':
    case 'ReverseTransfer':
    case 'RecoverFunds':
      return command.reason;
    case 'SettleDisbursement':
      return command.failureReason;
    default:
      return undefined;
  }
}
