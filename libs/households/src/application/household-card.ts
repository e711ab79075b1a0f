import type { PaymentDocument } from '@sunlight/funds';
import { formatYuan, incomeSummary, type IncomeSummary } from '../domain';
import type { HouseholdDocument } from '../projections';

/*
 * The household card (明白卡) and the household view, shaped from read-model documents: the
 * household's own document and the ledger's payments to it and to its members' ID numbers.
 * Pure functions, so the card's arithmetic is tested without a database.
 */

export interface IncomeYearView {
  year: number;
  gross: string;
  cost: string;
  net: string;
  /** 年人均纯收入; null for a household without members. */
  perCapitaNet: string | null;
  memberCount: number;
  sources: string[];
}

export interface CardPaymentView {
  fundId: string;
  divisionCode: string;
  transferId: string;
  beneficiary: { kind: string; name: string; idNumber: string | null };
  amount: string;
  returned: string;
  status: string;
  purpose: string | null;
  requestedAt: string;
  requestedBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  paidAt: string | null;
  /** The bank's reference once paid. */
  bankReference: string | null;
  /** The roster (花名册) line it was paid from: roster, row, file SHA-256, uploader, approver. */
  rosterEntry?: PaymentDocument['rosterEntry'];
  /**
   * The log position of the request (DisbursementRequested): what to ask
   * /log/proofs/inclusion?position= or /log/proofs/tlog-proof?position= about.
   */
  position: string;
  /** The positions of every step recorded (request, approval, payment, returns), in order. */
  positions: string[];
}

export function incomeYearView(summary: IncomeSummary): IncomeYearView {
  return {
    year: summary.year,
    gross: formatYuan(summary.grossFen),
    cost: formatYuan(summary.costFen),
    net: formatYuan(summary.netFen),
    perCapitaNet:
      summary.perCapitaNetFen === undefined ? null : formatYuan(summary.perCapitaNetFen),
    memberCount: summary.memberCount,
    sources: [...summary.sources],
  };
}

export function incomeYears(
  household: HouseholdDocument,
  years: readonly number[],
): IncomeYearView[] {
  return years.map((year) =>
    incomeYearView(incomeSummary(household.incomes, year, household.memberCount)),
  );
}

export function cardPaymentView(payment: PaymentDocument): CardPaymentView {
  return {
    fundId: payment.fundId,
    divisionCode: payment.divisionCode,
    transferId: payment.transferId,
    beneficiary: {
      kind: payment.beneficiary.kind,
      name: payment.beneficiary.name,
      idNumber: payment.idNumber,
    },
    amount: formatYuan(BigInt(payment.amountFen)),
    returned: formatYuan(BigInt(payment.returnedFen)),
    status: payment.status,
    purpose: payment.purpose,
    requestedAt: payment.requestedAt,
    requestedBy: payment.requestedBy,
    approvedBy: payment.approvedBy,
    approvedAt: payment.approvedAt,
    paidAt: payment.paidAt,
    bankReference: payment.bankReference,
    ...(payment.rosterEntry === undefined ? {} : { rosterEntry: payment.rosterEntry }),
    position: logPosition(payment.requestedPosition),
    positions: payment.positions.map(logPosition),
  };
}

/**
 * The log position the proof routes take (`42`), from the store's position (PostgreSQL's are
 * zero-padded decimals, so they sort as strings).
 */
function logPosition(position: string): string {
  return BigInt(position).toString();
}

/** Payments in the order the log made them, each once (one may match by household and by person). */
export function mergePayments(...lists: readonly PaymentDocument[][]): PaymentDocument[] {
  const byId = new Map<string, PaymentDocument>();
  for (const list of lists) for (const payment of list) byId.set(payment.id, payment);
  return [...byId.values()].sort((a, b) => {
    const left = BigInt(a.requestedPosition);
    const right = BigInt(b.requestedPosition);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/** Paid out, less what was reversed or recovered since: what reached the household. */
export function paidTotalFen(payments: readonly PaymentDocument[]): bigint {
  return payments
    .filter((payment) => payment.paidAt !== null)
    .reduce(
      (total, payment) => total + BigInt(payment.amountFen) - BigInt(payment.returnedFen),
      0n,
    );
}

export interface HouseholdSummaryView {
  householdId: string;
  villageCode: string;
  villageGroupCode: string | null;
  headName: string;
  attribute: string;
  mainCause: string;
  status: string;
  memberCount: number;
  identifiedYear: number;
}

export function householdSummaryView(household: HouseholdDocument): HouseholdSummaryView {
  return {
    householdId: household.householdId,
    villageCode: household.villageCode,
    villageGroupCode: household.villageGroupCode,
    headName: household.headName,
    attribute: household.attribute,
    mainCause: household.mainCause,
    status: household.status,
    memberCount: household.memberCount,
    identifiedYear: household.identifiedYear,
  };
}

/** The whole record as the register holds it; amounts as yuan strings. */
export function householdView(household: HouseholdDocument, villageName: string | null) {
  const { id: _id, lastPosition: _position, incomes, ...facts } = household;
  return {
    ...facts,
    villageName,
    incomes: incomes.map(({ amountFen, ...record }) => ({
      ...record,
      correctsRecordId: record.correctsRecordId ?? null,
      amount: formatYuan(BigInt(amountFen)),
    })),
  };
}

/**
 * 明白卡: what the household is told about itself — facts, members, income this year and last,
 * policies, helper, housing, status, and every payment the ledger made to it or its members.
 */
export function householdCard(
  household: HouseholdDocument,
  villageName: string | null,
  years: readonly number[],
  payments: readonly PaymentDocument[],
) {
  return {
    householdId: household.householdId,
    villageCode: household.villageCode,
    villageName,
    villageGroupCode: household.villageGroupCode,
    headName: household.headName,
    address: household.address,
    phone: household.phone,
    identificationStandard: household.identificationStandard,
    attribute: household.attribute,
    mainCause: household.mainCause,
    otherCauses: household.otherCauses,
    identifiedYear: household.identifiedYear,
    bankName: household.bankName,
    bankAccount: household.bankAccount,
    status: household.status,
    members: household.members,
    income: incomeYears(household, years),
    policies: household.policies,
    helper: household.helper,
    housing: household.housing,
    industryProjects: household.industryProjects,
    exit: household.exit,
    monitored: household.monitored,
    monitorings: household.monitorings,
    payments: payments.map(cardPaymentView),
    paidTotal: formatYuan(paidTotalFen(payments)),
  };
}
