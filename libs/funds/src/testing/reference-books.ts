/**
 * A pool's books folded from its events alone, with none of the decider's code: the one
 * reference the property tests and the end-to-end tests compare the ledger against. It reads
 * only the event type, `amountFen` and `transferId`, so it also folds raw rows of the log.
 */
export interface ReferenceEvent {
  readonly type: string;
  readonly data: { readonly amountFen?: unknown; readonly transferId?: unknown };
}

export interface ReferenceBooks {
  receivedFen: bigint;
  sentFen: bigint;
  /** Requested and awaiting a decision. */
  reservedFen: bigint;
  disbursedFen: bigint;
  reversedFen: bigint;
  recoveredFen: bigint;
  /** received − sent − reserved − disbursed + reversed + recovered. */
  balanceFen: bigint;
  /** Transfer ids awaiting approval, and approved ones awaiting settlement. */
  awaitingApproval: Set<string>;
  awaitingSettlement: Set<string>;
  eventCount: number;
}

export function emptyBooks(): ReferenceBooks {
  return {
    receivedFen: 0n,
    sentFen: 0n,
    reservedFen: 0n,
    disbursedFen: 0n,
    reversedFen: 0n,
    recoveredFen: 0n,
    balanceFen: 0n,
    awaitingApproval: new Set(),
    awaitingSettlement: new Set(),
    eventCount: 0,
  };
}

/** Posts one event to the books, in place. An event type no pool writes is a test failure. */
export function post(books: ReferenceBooks, event: ReferenceEvent): void {
  const amountFen = BigInt(String(event.data.amountFen ?? '0'));
  const transferId = String(event.data.transferId);
  books.eventCount += 1;
  switch (event.type) {
    case 'FundsAppropriated':
    case 'AllocationReceived':
      books.receivedFen += amountFen;
      books.balanceFen += amountFen;
      break;
    case 'AllocationSent':
      books.sentFen += amountFen;
      books.balanceFen -= amountFen;
      break;
    case 'DisbursementRequested':
      books.reservedFen += amountFen;
      books.balanceFen -= amountFen;
      books.awaitingApproval.add(transferId);
      break;
    case 'DisbursementApproved':
      books.reservedFen -= amountFen;
      books.disbursedFen += amountFen;
      books.awaitingApproval.delete(transferId);
      books.awaitingSettlement.add(transferId);
      break;
    case 'DisbursementRejected':
      books.reservedFen -= amountFen;
      books.balanceFen += amountFen;
      books.awaitingApproval.delete(transferId);
      break;
    case 'DisbursementPaid':
      books.awaitingSettlement.delete(transferId);
      break;
    case 'DisbursementFailed':
      books.disbursedFen -= amountFen;
      books.balanceFen += amountFen;
      books.awaitingSettlement.delete(transferId);
      break;
    case 'TransferReversed':
      books.reversedFen += amountFen;
      books.balanceFen += amountFen;
      break;
    case 'FundsRecovered':
      books.recoveredFen += amountFen;
      books.balanceFen += amountFen;
      break;
    default:
      throw new Error(`not a pool event: ${event.type}`);
  }
}

export function booksOf(events: Iterable<ReferenceEvent>): ReferenceBooks {
  const books = emptyBooks();
  for (const event of events) post(books, event);
  return books;
}
