// Proves, over random command sequences against one pool, that the balance never goes negative, that the state always equals totals recomputed from the events, that no level pays out more than it received, and that repeating any accepted command writes nothing.
import fc from 'fast-check';
import { AppError, type Actor } from '@sunlight/kernel';
import { emptyBooks, post, type ReferenceBooks } from '../testing';
import { amountFenMax } from './money';
import {
  decidePool,
  evolvePool,
  initialPoolState,
  type PoolCommand,
  type PoolEvent,
  type PoolState,
  poolStateFromSnapshot,
  poolStateToSnapshot,
} from './pool';
import {
  checker,
  command,
  maker,
  otherTownship,
  prefecture,
  township,
} from './testing/pool.fixtures';

const third: Actor = { id: 'u-third', role: 'county_finance', division: '530325' };

// Few ids per kind, so that repeats happen often; now and then an id from another kind's range,
// so that conflicts happen too.
const anyTransferId = fc.constantFrom(
  'in1',
  'in2',
  'in3',
  's1',
  's2',
  'd1',
  'd2',
  'd3',
  'd4',
  'd5',
  'r1',
  'r2',
  'r3',
);
const idFrom = (...ids: string[]) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: anyTransferId },
  );
const incomingId = idFrom('in1', 'in2', 'in3');
const sentId = idFrom('s1', 's2');
const disbursementId = idFrom('d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8');
const returnId = idFrom('r1', 'r2', 'r3', 'r4');
// Commands about an existing disbursement mostly name one requested earlier in the run: `?n` is
// resolved to the n-th (modulo) disbursement in a status the command can act on, `*n` to the n-th
// of all of them whatever their status, so that both the happy paths and the refusals are common.
const existingDisbursementId = fc.oneof(
  { weight: 6, arbitrary: fc.nat(50).map((n) => `?${n}`) },
  { weight: 3, arbitrary: fc.nat(50).map((n) => `*${n}`) },
  { weight: 1, arbitrary: anyTransferId },
);
const actor = fc.constantFrom(maker, checker, third);
const reason = fc.constantFrom('理由甲', '理由乙');
const withInvalid = (valid: fc.Arbitrary<bigint>) =>
  fc.oneof(
    { weight: 15, arbitrary: valid },
    { weight: 1, arbitrary: fc.constantFrom(0n, -1n, amountFenMax + 1n) },
  );
const incomingFen = withInvalid(fc.bigInt({ min: 1n, max: 1_000_000n }));
const outgoingFen = withInvalid(fc.bigInt({ min: 1n, max: 400_000n }));
const allocationRef = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('in1', 'in2', 's1', 'x9') },
);

const poolCommand: fc.Arbitrary<PoolCommand> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .tuple(incomingId, incomingFen)
      .map(([id, amount]) => command.appropriate(id, amount)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        sentId,
        outgoingFen,
        fc.constantFrom(township, '530325101', otherTownship),
        fc.boolean(),
      )
      .map(([id, amount, to, direct]) => command.send(id, amount, to, direct)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(incomingId, incomingFen, fc.constantFrom(prefecture, prefecture, '53', '5304'))
      .map(([id, amount, from]) => command.receive(id, amount, from)),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(disbursementId, outgoingFen, actor, allocationRef)
      .map(([id, amount, who, ref]) =>
        command.request(id, amount, { actor: who, allocationRef: ref }),
      ),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(existingDisbursementId, actor).map(([id, who]) => command.approve(id, who)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(existingDisbursementId, reason, actor)
      .map(([id, why, who]) => command.reject(id, why, who)),
  },
  { weight: 3, arbitrary: existingDisbursementId.map((id) => command.paid(id)) },
  { weight: 1, arbitrary: existingDisbursementId.map((id) => command.failed(id)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(returnId, existingDisbursementId, reason)
      .map(([id, original, why]) => command.reverse(id, original, why)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(returnId, existingDisbursementId, fc.bigInt({ min: 1n, max: 200_000n }), reason)
      .map(([id, original, amount, why]) => command.recover(id, original, amount, why)),
  },
);

// Elements do not shrink: a failure shrinks to a short subsequence of concrete commands, quickly.
const commandSequence = fc.array(fc.noShrink(poolCommand), { maxLength: 150, size: 'max' });

const actionableStatus: Partial<Record<PoolCommand['type'], PoolEvent['type']>> = {
  ApproveDisbursement: 'DisbursementRequested',
  RejectDisbursement: 'DisbursementRequested',
  SettleDisbursement: 'DisbursementApproved',
  ReverseTransfer: 'DisbursementPaid',
  RecoverFunds: 'DisbursementPaid',
};

/** Replaces `?n` and `*n` placeholders, given the latest event of each disbursement so far. */
function resolve(
  next: PoolCommand,
  latestByDisbursement: ReadonlyMap<string, PoolEvent['type']>,
): PoolCommand {
  const pick = (id: string): string => {
    const all = [...latestByDisbursement.keys()];
    const actionable = all.filter(
      (key) => latestByDisbursement.get(key) === actionableStatus[next.type],
    );
    const candidates = id.startsWith('?') ? actionable : id.startsWith('*') ? all : undefined;
    if (candidates === undefined) return id;
    return candidates[Number(id.slice(1)) % Math.max(candidates.length, 1)] ?? 'd-none';
  };
  switch (next.type) {
    case 'ApproveDisbursement':
    case 'RejectDisbursement':
    case 'SettleDisbursement':
      return { ...next, transferId: pick(next.transferId) };
    case 'ReverseTransfer':
    case 'RecoverFunds':
      return { ...next, originalTransferId: pick(next.originalTransferId) };
    default:
      return next;
  }
}

function assertBooksBalance(state: PoolState, books: ReferenceBooks): void {
  const ledger = {
    received: books.receivedFen,
    sent: books.sentFen,
    reserved: books.reservedFen,
    disbursed: books.disbursedFen,
    returned: books.reversedFen + books.recoveredFen,
  };
  const actual = {
    balanceNonNegative: state.balanceFen >= 0n,
    reservedNonNegative: state.reservedFen >= 0n,
    received: state.receivedFen,
    sent: state.sentFen,
    reserved: state.reservedFen,
    disbursed: state.disbursedFen,
    returned: state.reversedFen + state.recoveredFen,
    // Conservation: everything received is still here, on its way down, reserved or paid out net of returns.
    conserved:
      ledger.received ===
      state.balanceFen + ledger.sent + ledger.reserved + ledger.disbursed - ledger.returned,
    // A level never pays out more than it received.
    paysOutNoMoreThanReceived: ledger.sent + ledger.disbursed - ledger.returned <= ledger.received,
  };
  const expected = {
    ...ledger,
    balanceNonNegative: true,
    reservedNonNegative: true,
    conserved: true,
    paysOutNoMoreThanReceived: true,
  };
  // A plain comparison per step keeps hundreds of long runs fast; Jest's diff then names what broke.
  const broken = (Object.keys(expected) as (keyof typeof expected)[]).some(
    (key) => actual[key] !== expected[key],
  );
  if (broken) expect(actual).toEqual(expected);
}

function run(commands: readonly PoolCommand[]): { state: PoolState; log: PoolEvent[] } {
  let state = initialPoolState();
  const log: PoolEvent[] = [];
  const books = emptyBooks();
  const latestByDisbursement = new Map<string, PoolEvent['type']>();
  for (const generated of commands) {
    const next = resolve(generated, latestByDisbursement);
    let events: PoolEvent[];
    try {
      events = decidePool(next, state);
    } catch (error) {
      // Refusals are expected; anything else (an invariant, a TypeError) is a bug and fails the run.
      if (error instanceof AppError) continue;
      throw error;
    }
    for (const e of events) {
      state = evolvePool(state, e);
      log.push(e);
      post(books, e);
      if (e.type.startsWith('Disbursement')) latestByDisbursement.set(e.data.transferId, e.type);
    }
    if (events.length > 0) {
      const repeated = decidePool(next, state);
      if (repeated.length > 0) expect(repeated).toEqual([]);
    }
    assertBooksBalance(state, books);
  }
  return { state, log };
}

describe('pool decider under random command sequences', () => {
  it('keeps the balance non-negative and the books balanced, and repeats write nothing', () => {
    fc.assert(
      fc.property(commandSequence, (commands) => {
        run(commands);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets the requester approve, and never reuses a transferId for a new transfer', () => {
    const newTransferTypes: PoolEvent['type'][] = [
      'FundsAppropriated',
      'AllocationSent',
      'AllocationReceived',
      'DisbursementRequested',
      'TransferReversed',
      'FundsRecovered',
    ];
    fc.assert(
      fc.property(commandSequence, (commands) => {
        const { log } = run(commands);
        for (const e of log) {
          if (e.type === 'DisbursementApproved')
            expect(e.data.approvedBy).not.toBe(e.data.requestedBy);
        }
        const newIds = log
          .filter((e) => newTransferTypes.includes(e.type))
          .map((e) => e.data.transferId);
        expect(new Set(newIds).size).toBe(newIds.length);
      }),
      { numRuns: 200 },
    );
  });

  it('restores from a snapshot to the very same state', () => {
    fc.assert(
      fc.property(commandSequence, (commands) => {
        const { state } = run(commands);
        const restored = poolStateFromSnapshot(
          JSON.parse(JSON.stringify(poolStateToSnapshot(state))),
        );
        expect(restored).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });
});
