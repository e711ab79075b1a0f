import { formatYuan, type PaymentDocument } from '@sunlight/funds';

/*
 * What the ledger paid a project: every disbursement whose beneficiary is the project
 * (`beneficiary: {kind: "project", id: <projectId>}`), from the funds `payments` read model,
 * against the plan's budget. Paid is what the bank settled less what was reversed or recovered;
 * pending is what is requested or approved and not yet settled.
 */

export interface ProjectFunding {
  budget: string;
  paid: string;
  pending: string;
  /** paid ÷ budget as a percentage with one decimal, "37.5". */
  paidPercentOfBudget: string;
  transfers: {
    fundId: string;
    transferId: string;
    divisionCode: string;
    amount: string;
    returned: string;
    status: string;
    requestedBy: string;
    approvedBy: string | null;
    bankReference: string | null;
    requestedAt: string;
    paidAt: string | null;
  }[];
}

export function paidFenOf(payment: PaymentDocument): bigint {
  return payment.status === 'paid' ||
    payment.status === 'reversed' ||
    payment.status === 'recovered'
    ? BigInt(payment.amountFen) - BigInt(payment.returnedFen)
    : 0n;
}

export function projectFunding(
  budgetFen: string,
  payments: readonly PaymentDocument[],
): ProjectFunding {
  let paid = 0n;
  let pending = 0n;
  for (const payment of payments) {
    paid += paidFenOf(payment);
    if (payment.status === 'requested' || payment.status === 'approved') {
      pending += BigInt(payment.amountFen);
    }
  }
  return {
    budget: formatYuan(BigInt(budgetFen)),
    paid: formatYuan(paid),
    pending: formatYuan(pending),
    paidPercentOfBudget: percentOf(paid, BigInt(budgetFen)),
    transfers: payments.map((payment) => ({
      fundId: payment.fundId,
      transferId: payment.transferId,
      divisionCode: payment.divisionCode,
      amount: formatYuan(BigInt(payment.amountFen)),
      returned: formatYuan(BigInt(payment.returnedFen)),
      status: payment.status,
      requestedBy: payment.requestedBy,
      approvedBy: payment.approvedBy,
      bankReference: payment.bankReference,
      requestedAt: payment.requestedAt,
      paidAt: payment.paidAt,
    })),
  };
}

/** part ÷ whole as a percentage, one decimal, rounded down ("0.0" for an empty whole). */
export function percentOf(part: bigint, whole: bigint): string {
  if (whole <= 0n) return '0.0';
  const tenths = (part * 1000n) / whole;
  return `${tenths / 10n}.${tenths % 10n}`;
}
