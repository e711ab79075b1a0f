import type { PoolEvent } from './events';

/*
 * The keys pool events hold across the whole log (see the event store's claims). A transfer id is
 * new everywhere when its transfer starts: the starting event claims `transfer:<id>`; the
 * allocation's receiving twin, written by the relay with the sender's id, holds
 * `transfer:<id>:received` in the child's pool; a disbursement's decision and its settlement
 * each hold a key of their own. So a route naming only a transfer finds its pool, and a repeated
 * command finds what it wrote, by one key.
 */

export type TransferStep = 'start' | 'received' | 'decision' | 'settlement';

export function transferClaimKey(transferId: string, step: TransferStep = 'start'): string {
  return step === 'start' ? `transfer:${transferId}` : `transfer:${transferId}:${step}`;
}

const stepOf: Readonly<Record<PoolEvent['type'], TransferStep>> = {
  FundsAppropriated: 'start',
  AllocationSent: 'start',
  DisbursementRequested: 'start',
  TransferReversed: 'start',
  FundsRecovered: 'start',
  AllocationReceived: 'received',
  DisbursementApproved: 'decision',
  DisbursementRejected: 'decision',
  DisbursementPaid: 'settlement',
  DisbursementFailed: 'settlement',
  RosterBatchReserved: 'start',
  // A batch's release is its one decision: its key is free for it whatever came before.
  RosterBatchReleased: 'decision',
};

export function poolEventClaims(event: PoolEvent): { claims: string[] } {
  return { claims: [transferClaimKey(event.data.transferId, stepOf[event.type])] };
}
