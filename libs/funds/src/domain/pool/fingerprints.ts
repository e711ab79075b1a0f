import { hash } from 'node:crypto';
import type { DisbursementRequested } from './events';
import type { TransferKind } from './state';

/*
 * Fingerprints: the content of a new transfer, computed from fields that the command and the
 * event both hold, so decide (from the command) and evolve (from the event, whatever key order
 * storage gave it) agree. Time is left out on purpose: a retried request is stamped anew.
 */

function fingerprint(kind: TransferKind, values: readonly (string | undefined)[]): string {
  const canonical = JSON.stringify([kind, ...values.map((value) => value ?? null)]);
  return hash('sha256', canonical, 'hex').slice(0, 32);
}

const disbursementFingerprints = new WeakMap<object, string>();

function disbursementFingerprint(d: DisbursementRequested['data']): string {
  return fingerprint('disbursement', [
    d.beneficiary.kind,
    d.beneficiary.id,
    d.beneficiary.name,
    d.beneficiary.idNumber,
    d.beneficiary.bankAccount,
    d.amountFen,
    d.allocationRef,
    d.rosterEntryRef,
    d.purpose,
    d.requestedBy,
    // Only lines of a roster batch have these; other disbursements keep their fingerprints.
    ...(d.rosterBatchRef === undefined ? [] : [d.rosterBatchRef]),
    ...(d.rosterEntry === undefined
      ? []
      : [
          d.rosterEntry.rosterId,
          String(d.rosterEntry.row),
          d.rosterEntry.fileSha256,
          d.rosterEntry.uploadedBy,
          d.rosterEntry.approvedBy,
        ]),
  ]);
}

export const fingerprintOf = {
  appropriation: (d: { amountFen: string }) => fingerprint('appropriation', [d.amountFen]),
  allocationSent: (d: { toDivisionCode: string; amountFen: string }) =>
    fingerprint('allocationSent', [d.toDivisionCode, d.amountFen]),
  allocationReceived: (d: { fromDivisionCode: string; amountFen: string }) =>
    fingerprint('allocationReceived', [d.fromDivisionCode, d.amountFen]),
  disbursement: (d: DisbursementRequested['data']) => {
    // decide fingerprints a line's data to find a repeat, and evolve then folds that very
    // object: a roster's line is hashed once, not twice (event data is never changed in place).
    let known = disbursementFingerprints.get(d);
    if (known === undefined) {
      known = disbursementFingerprint(d);
      disbursementFingerprints.set(d, known);
    }
    return known;
  },
  rosterBatch: (d: {
    rosterId: string;
    fileSha256: string;
    entryCount: number;
    amountFen: string;
  }) => fingerprint('rosterBatch', [d.rosterId, d.fileSha256, String(d.entryCount), d.amountFen]),
  reversal: (d: { originalTransferId: string; reason: string }) =>
    fingerprint('reversal', [d.originalTransferId, d.reason]),
  recovery: (d: { originalTransferId: string; amountFen: string; reason: string }) =>
    fingerprint('recovery', [d.originalTransferId, d.amountFen, d.reason]),
};

export const outcomeFingerprintOf = {
  rejected: (reason: string) => fingerprint('disbursement', ['rejected', reason]),
  paid: (bankReference: string) => fingerprint('disbursement', ['paid', bankReference]),
  failed: (reason: string) => fingerprint('disbursement', ['failed', reason]),
};
