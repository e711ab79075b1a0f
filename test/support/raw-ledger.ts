import type { Client } from 'pg';
import { booksOf } from '@sunlight/funds/testing';

/**
 * Figures folded straight from the rows of the `events` table, with no code of the app's
 * projections or deciders, so the read models can be checked against an independent count.
 * Division codes nest by prefix (53 ⊃ 5303 ⊃ 530325 ⊃ 530325102), which is what "in the subtree
 * of X" means here.
 */
export interface RawEvent {
  position: bigint;
  streamName: string;
  type: string;
  data: Record<string, unknown> & {
    divisionCode?: string;
    fundId?: string;
    amountFen?: string;
    transferId?: string;
  };
}

export async function readRawEvents(db: Client): Promise<RawEvent[]> {
  const { rows } = await db.query<{
    position: string;
    stream_name: string;
    type: string;
    data: RawEvent['data'];
  }>(
    'SELECT e.position::text AS position, e.stream_name, e.type, e.data FROM events e ORDER BY e.position',
  );
  return rows.map((row) => ({
    position: BigInt(row.position),
    streamName: row.stream_name,
    type: row.type,
    data: row.data,
  }));
}

export async function headPosition(db: Client): Promise<bigint> {
  const { rows } = await db.query<{ head: string }>(
    'SELECT coalesce(max(position), 0)::text AS head FROM events',
  );
  return BigInt(rows[0]!.head);
}

export function yuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export interface SubtreeFigures {
  received: bigint;
  allocatedDown: bigint;
  disbursed: bigint;
  returned: bigint;
  pending: bigint;
  inTransit: bigint;
  balance: bigint;
  disbursementCount: number;
  /** Distinct beneficiaries (ID number, else kind + id) with a disbursement approved at least once. */
  beneficiaries: Set<string>;
  /** Whether any pool event of the subtree (and fund) exists. */
  touched: boolean;
}

const isPoolStream = (streamName: string) => streamName.startsWith('pool-');

/** The subtree figures of `divisionCode` (optionally of one fund), as the dashboards define them. */
export function subtreeFigures(
  events: readonly RawEvent[],
  divisionCode: string,
  fundId?: string,
): SubtreeFigures {
  const inside = (code: string | undefined) => code !== undefined && code.startsWith(divisionCode);
  const figures: SubtreeFigures = {
    received: 0n,
    allocatedDown: 0n,
    disbursed: 0n,
    returned: 0n,
    pending: 0n,
    inTransit: 0n,
    balance: 0n,
    disbursementCount: 0,
    beneficiaries: new Set(),
    touched: false,
  };
  const beneficiaryOf = new Map<string, string>();
  for (const event of events) {
    if (!isPoolStream(event.streamName)) continue;
    const { data } = event;
    if (fundId !== undefined && data.fundId !== fundId) continue;
    if (!inside(data.divisionCode)) continue;
    figures.touched = true;
    const amount = BigInt(data.amountFen ?? '0');
    const transferKey = `${event.streamName}/${data.transferId}`;
    switch (event.type) {
      case 'FundsAppropriated':
        figures.received += amount;
        figures.balance += amount;
        break;
      case 'AllocationSent':
        // Sent to a direct child, so still inside the subtree: in transit until received.
        figures.inTransit += amount;
        figures.balance -= amount;
        if (data.divisionCode === divisionCode) figures.allocatedDown += amount;
        break;
      case 'AllocationReceived':
        figures.balance += amount;
        if (inside(data.fromDivisionCode as string)) figures.inTransit -= amount;
        else figures.received += amount;
        break;
      case 'DisbursementRequested': {
        figures.pending += amount;
        figures.balance -= amount;
        const beneficiary = data.beneficiary as { kind: string; id: string; idNumber?: string };
        const idNumber = beneficiary.idNumber?.trim().toUpperCase();
        beneficiaryOf.set(
          transferKey,
          idNumber ? `id:${idNumber}` : `${beneficiary.kind}:${beneficiary.id}`,
        );
        break;
      }
      case 'DisbursementApproved':
        figures.pending -= amount;
        figures.disbursed += amount;
        figures.disbursementCount += 1;
        figures.beneficiaries.add(beneficiaryOf.get(transferKey)!);
        break;
      case 'DisbursementRejected':
        figures.pending -= amount;
        figures.balance += amount;
        break;
      case 'DisbursementFailed':
        figures.disbursed -= amount;
        figures.balance += amount;
        figures.disbursementCount -= 1;
        break;
      case 'TransferReversed':
      case 'FundsRecovered':
        figures.returned += amount;
        figures.balance += amount;
        break;
      case 'DisbursementPaid':
        break;
      default:
        throw new Error(`unexpected pool event ${event.type} at ${event.position}`);
    }
  }
  // Money is conserved inside every subtree.
  expect(
    figures.balance + figures.inTransit + figures.pending + figures.disbursed - figures.returned,
  ).toBe(figures.received);
  return figures;
}

/** The API's yuan strings for a subtree's figures (`FiguresView` without idle). */
export function figuresInYuan(figures: SubtreeFigures): Record<string, string | number> {
  return {
    received: yuan(figures.received),
    allocatedDown: yuan(figures.allocatedDown),
    disbursed: yuan(figures.disbursed),
    returned: yuan(figures.returned),
    pending: yuan(figures.pending),
    inTransit: yuan(figures.inTransit),
    balance: yuan(figures.balance),
    disbursementCount: figures.disbursementCount,
  };
}

/** The funds that have pool events in the subtree, sorted. */
export function fundsIn(events: readonly RawEvent[], divisionCode: string): string[] {
  const funds = new Set<string>();
  for (const event of events) {
    if (isPoolStream(event.streamName) && event.data.divisionCode?.startsWith(divisionCode))
      funds.add(event.data.fundId as string);
  }
  return [...funds].sort();
}

/** One pool's own state after the events of its stream at or before `upTo`, as `/history/streams` folds it. */
export function poolStateAt(events: readonly RawEvent[], streamName: string, upTo?: bigint) {
  const books = booksOf(
    events.filter(
      (event) => event.streamName === streamName && (upTo === undefined || event.position <= upTo),
    ),
  );
  return {
    eventCount: books.eventCount,
    state: {
      balance: yuan(books.balanceFen),
      received: yuan(books.receivedFen),
      sent: yuan(books.sentFen),
      disbursed: yuan(books.disbursedFen),
      pending: yuan(books.reservedFen),
      returned: yuan(books.reversedFen + books.recoveredFen),
      pendingApprovalCount: books.awaitingApproval.size,
      awaitingSettlementCount: books.awaitingSettlement.size,
    },
  };
}
