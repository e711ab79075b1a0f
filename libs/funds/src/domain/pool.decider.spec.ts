// Proves the pool decider moves money only as the funds rules allow, refuses every broken rule with its typed error, and treats repeated transfers idempotently.
import { AppError } from '@sunlight/kernel';
import {
  InsufficientFundsError,
  InvalidAmountError,
  InvalidCommandError,
  InvalidTransferStateError,
  NotADirectChildError,
  RecoveryExceedsOutstandingError,
  SelfApprovalError,
  TransferConflictError,
  TransferKindMismatchError,
  TransferNotFoundError,
} from './funds.errors';
import {
  evolvePool,
  initialPoolState,
  parsePoolStreamName,
  poolDecider,
  type PoolEvent,
  type PoolState,
  poolStateFromSnapshot,
  poolStateToSnapshot,
  poolStreamName,
  poolSummary,
} from './pool';
import { findTransfer } from './transfer-book';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  checker,
  command,
  county,
  event,
  fundId,
  household,
  maker,
  otherTownship,
  township,
} from './testing/pool.fixtures';

const { given } = deciderSpec(poolDecider);

const funded = [event.appropriated('appr-1', '1000000')];
const requested = [...funded, event.requested('d-1', '30000')];
const approved = [...requested, event.approved('d-1', '30000')];
const paid = [...approved, event.paid('d-1', '30000')];

function fold(events: readonly PoolEvent[]): PoolState {
  return events.reduce(evolvePool, initialPoolState());
}

function summaryOf(state: PoolState) {
  const { balanceFen, receivedFen, sentFen, pendingFen, disbursedFen, returnedFen } =
    poolSummary(state);
  return { balanceFen, receivedFen, sentFen, pendingFen, disbursedFen, returnedFen };
}

describe('pool stream names', () => {
  it('names a pool by fund and division and parses the name back', () => {
    expect(poolStreamName(fundId, county)).toBe('pool-F2024-yn-001.530325');
    expect(parsePoolStreamName('pool-F2024-yn-001.530325')).toEqual({
      fundId,
      divisionCode: county,
    });
    expect(parsePoolStreamName('fund-F2024-yn-001')).toBeUndefined();
    expect(parsePoolStreamName('pool-a.b.530325')).toBeUndefined();
  });

  it('refuses ids that would make the name ambiguous', () => {
    expect(() => poolStreamName('F.1', county)).toThrow(InvalidCommandError);
    expect(() => poolStreamName(fundId, '53032')).toThrow(InvalidCommandError);
  });
});

describe('AppropriateFunds', () => {
  it('credits the pool', () => {
    const state = given([])
      .when(command.appropriate('appr-1', 1_000_000n))
      .then([event.appropriated('appr-1', '1000000')]);
    expect(summaryOf(state)).toEqual({
      balanceFen: 1_000_000n,
      receivedFen: 1_000_000n,
      sentFen: 0n,
      pendingFen: 0n,
      disbursedFen: 0n,
      returnedFen: 0n,
    });
    expect(state.fundId).toBe(fundId);
    expect(state.divisionCode).toBe(county);
  });

  it('returns nothing for an exact repeat', () => {
    given(funded).when(command.appropriate('appr-1', 1_000_000n)).then([]);
  });

  it('refuses the same transferId with another amount', () => {
    given(funded).when(command.appropriate('appr-1', 999n)).thenThrows(TransferConflictError, {
      transferId: 'appr-1',
      existingKind: 'appropriation',
      code: 'FUNDS.TRANSFER_CONFLICT',
      httpStatus: 409,
    });
  });

  it.each([
    [0n, 'not_positive'],
    [-5n, 'not_positive'],
    [100_000_000_000_001n, 'too_large'],
  ])('refuses %p fen (%s)', (amountFen, reason) => {
    given([])
      .when(command.appropriate('appr-1', amountFen))
      .thenThrows(InvalidAmountError, { reason });
  });

  it('refuses a command meant for another pool', () => {
    given(funded)
      .when({ ...command.appropriate('appr-2', 1n), divisionCode: township })
      .thenThrows(InvalidCommandError, { field: 'divisionCode' });
  });

  it('refuses a command without a usable actor or time', () => {
    given([])
      .when({ ...command.appropriate('appr-1', 1n), actor: { ...maker, id: ' ' } })
      .thenThrows(InvalidCommandError, { field: 'actor.id' });
    given([])
      .when({ ...command.appropriate('appr-1', 1n), occurredAt: '2024-03-01' })
      .thenThrows(InvalidCommandError, { field: 'occurredAt' });
  });

  it('refuses a malformed transferId', () => {
    given([])
      .when(command.appropriate('bad id', 1n))
      .thenThrows(InvalidCommandError, { field: 'transferId' });
  });
});

describe('SendAllocation', () => {
  it('sends to a direct child when the balance covers it', () => {
    const state = given(funded)
      .when(command.send('a-1', 400_000n))
      .then([event.sent('a-1', '400000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 600_000n,
      sentFen: 400_000n,
      receivedFen: 1_000_000n,
    });
  });

  it('may send the whole balance', () => {
    const state = given(funded)
      .when(command.send('a-1', 1_000_000n))
      .then([event.sent('a-1', '1000000')]);
    expect(state.balanceFen).toBe(0n);
  });

  it('refuses to overdraw', () => {
    given(funded).when(command.send('a-1', 1_000_001n)).thenThrows(InsufficientFundsError, {
      balanceFen: 1_000_000n,
      requestedFen: 1_000_001n,
      code: 'FUNDS.INSUFFICIENT_FUNDS',
      httpStatus: 422,
    });
  });

  it('counts reserved disbursements as unavailable', () => {
    given(requested)
      .when(command.send('a-1', 980_000n))
      .thenThrows(InsufficientFundsError, { balanceFen: 970_000n });
  });

  it('refuses a target the registry says is not a direct child', () => {
    given(funded)
      .when(command.send('a-1', 1n, township, false))
      .thenThrows(NotADirectChildError, {
        parentDivisionCode: county,
        childDivisionCode: township,
        httpStatus: 422,
      });
  });

  it('refuses a target outside its own code even when told it is a child', () => {
    given(funded)
      .when(command.send('a-1', 1n, otherTownship, true))
      .thenThrows(NotADirectChildError);
    given(funded)
      .when(command.send('a-1', 1n, county, true))
      .thenThrows(NotADirectChildError);
  });

  it('returns nothing for a repeat, even once the balance is spent', () => {
    given([...funded, event.sent('a-1', '1000000')])
      .when(command.send('a-1', 1_000_000n))
      .then([]);
  });

  it('refuses the same transferId with another target or amount', () => {
    const sent = [...funded, event.sent('a-1', '400000')];
    given(sent)
      .when(command.send('a-1', 400_000n, '530325101'))
      .thenThrows(TransferConflictError, { existingKind: 'allocationSent' });
    given(sent).when(command.send('a-1', 1n)).thenThrows(TransferConflictError);
  });

  it('refuses a transferId already used by another kind of transfer', () => {
    given(funded)
      .when(command.send('appr-1', 1n))
      .thenThrows(TransferConflictError, { existingKind: 'appropriation' });
  });
});

describe('ReceiveAllocation', () => {
  it('credits the pool with money from an ancestor', () => {
    const state = given([])
      .when(command.receive('a-9', 500_000n))
      .then([event.received('a-9', '500000')]);
    expect(summaryOf(state)).toMatchObject({ balanceFen: 500_000n, receivedFen: 500_000n });
  });

  it('is written exactly once per transfer', () => {
    given([event.received('a-9', '500000')])
      .when(command.receive('a-9', 500_000n))
      .then([]);
  });

  it('refuses the same transfer with different content', () => {
    given([event.received('a-9', '500000')])
      .when(command.receive('a-9', 500_001n))
      .thenThrows(TransferConflictError, { transferId: 'a-9', existingKind: 'allocationReceived' });
  });

  it('refuses money from a division that is not above this one', () => {
    given([])
      .when(command.receive('a-9', 1n, '5304'))
      .thenThrows(NotADirectChildError, { parentDivisionCode: '5304' });
  });
});

describe('RequestDisbursement', () => {
  it('reserves the amount', () => {
    const state = given(funded)
      .when(command.request('d-1', 30_000n))
      .then([event.requested('d-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 970_000n,
      pendingFen: 30_000n,
      disbursedFen: 0n,
    });
    expect(poolSummary(state).pendingApprovalCount).toBe(1);
  });

  it('records the allocation, roster entry and purpose it came from', () => {
    const received = [event.received('a-9', '500000')];
    given(received)
      .when(
        command.request('d-1', 30_000n, {
          allocationRef: 'a-9',
          rosterEntryRef: 'roster-7#12',
          purpose: '产业奖补',
        }),
      )
      .then([
        event.requested('d-1', '30000', {
          allocationRef: 'a-9',
          rosterEntryRef: 'roster-7#12',
          purpose: '产业奖补',
        }),
      ]);
  });

  it('writes only the beneficiary fields it knows', () => {
    const person = { kind: 'person' as const, id: 'p-1', name: '李四', nickname: 'extra' };
    given(funded)
      .when(command.request('d-1', 1n, { beneficiary: person }))
      .then([
        event.requested('d-1', '1', { beneficiary: { kind: 'person', id: 'p-1', name: '李四' } }),
      ]);
  });

  it('refuses to overdraw', () => {
    given(funded)
      .when(command.request('d-1', 1_000_001n))
      .thenThrows(InsufficientFundsError, { requestedFen: 1_000_001n });
  });

  it('refuses a link to an allocation this pool never received', () => {
    given(funded)
      .when(command.request('d-1', 1n, { allocationRef: 'a-404' }))
      .thenThrows(TransferNotFoundError, { transferId: 'a-404' });
  });

  it('refuses a link to something that is not incoming money', () => {
    given([...funded, event.sent('a-1', '10')])
      .when(command.request('d-1', 1n, { allocationRef: 'a-1' }))
      .thenThrows(TransferKindMismatchError, {
        expectedKind: 'allocationReceived',
        actualKind: 'allocationSent',
      });
  });

  it.each([
    ['beneficiary.name', { ...household, name: '  ' }],
    ['beneficiary.kind', { ...household, kind: 'company' as never }],
    ['beneficiary.id', { ...household, id: '' }],
    ['beneficiary.idNumber', { ...household, idNumber: '5303-2519' }],
  ])('refuses a bad %s', (field, beneficiary) => {
    given(funded)
      .when(command.request('d-1', 1n, { beneficiary }))
      .thenThrows(InvalidCommandError, { field });
  });

  it('returns nothing for an exact repeat', () => {
    given(requested).when(command.request('d-1', 30_000n)).then([]);
  });

  it('refuses the same transferId with another amount, beneficiary or requester', () => {
    given(requested).when(command.request('d-1', 30_001n)).thenThrows(TransferConflictError);
    given(requested)
      .when(
        command.request('d-1', 30_000n, {
          beneficiary: { ...household, bankAccount: '6228480000000000002' },
        }),
      )
      .thenThrows(TransferConflictError);
    given(requested)
      .when(command.request('d-1', 30_000n, { actor: checker }))
      .thenThrows(TransferConflictError);
  });
});

describe('ApproveDisbursement (maker-checker)', () => {
  it('lets a second person approve, turning the reservation into a disbursement', () => {
    const state = given(requested)
      .when(command.approve('d-1'))
      .then([event.approved('d-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 970_000n,
      pendingFen: 0n,
      disbursedFen: 30_000n,
    });
    expect(poolSummary(state)).toMatchObject({
      pendingApprovalCount: 0,
      awaitingSettlementCount: 1,
    });
  });

  it('refuses approval by the requester', () => {
    given(requested).when(command.approve('d-1', maker)).thenThrows(SelfApprovalError, {
      transferId: 'd-1',
      actorId: maker.id,
      code: 'FUNDS.SELF_APPROVAL',
      httpStatus: 422,
    });
  });

  it('returns nothing when approved again, before or after settlement', () => {
    given(approved).when(command.approve('d-1')).then([]);
    given(paid).when(command.approve('d-1')).then([]);
  });

  it('refuses to approve a rejected disbursement', () => {
    given([...requested, event.rejected('d-1', '30000')])
      .when(command.approve('d-1'))
      .thenThrows(InvalidTransferStateError, {
        transferId: 'd-1',
        status: 'rejected',
        httpStatus: 409,
      });
  });

  it('refuses an unknown transfer', () => {
    given(funded)
      .when(command.approve('d-404'))
      .thenThrows(TransferNotFoundError, { transferId: 'd-404', code: 'FUNDS.TRANSFER_NOT_FOUND' });
  });

  it('refuses a transfer that is not a disbursement', () => {
    given(funded)
      .when(command.approve('appr-1'))
      .thenThrows(TransferKindMismatchError, { actualKind: 'appropriation' });
  });
});

describe('RejectDisbursement', () => {
  it('releases the reservation', () => {
    const state = given(requested)
      .when(command.reject('d-1'))
      .then([event.rejected('d-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 1_000_000n,
      pendingFen: 0n,
      disbursedFen: 0n,
    });
  });

  it('refuses the requester: maker-checker covers every decision on a request', () => {
    given(requested)
      .when(command.reject('d-1', '录入错误', maker))
      .thenThrows(SelfApprovalError, {
        code: 'FUNDS.SELF_APPROVAL',
        transferId: 'd-1',
        actorId: maker.id,
        decision: 'reject',
      });
  });

  it('requires a bounded, non-blank reason', () => {
    given(requested)
      .when(command.reject('d-1', ' '))
      .thenThrows(InvalidCommandError, { field: 'reason' });
    given(requested)
      .when(command.reject('d-1', 'x'.repeat(501)))
      .thenThrows(InvalidCommandError, { field: 'reason' });
  });

  it('returns nothing when rejected again for the same reason, and refuses another reason as a conflict', () => {
    given([...requested, event.rejected('d-1', '30000', '录入错误')])
      .when(command.reject('d-1', '录入错误'))
      .then([]);
    given([...requested, event.rejected('d-1', '30000', '录入错误')])
      .when(command.reject('d-1', 'another reason'))
      .thenThrows(TransferConflictError, { httpStatus: 409 });
  });

  it('refuses to reject an approved disbursement', () => {
    given(approved)
      .when(command.reject('d-1'))
      .thenThrows(InvalidTransferStateError, { status: 'approved' });
  });
});

describe('SettleDisbursement', () => {
  it('records the payment with its bank reference', () => {
    const state = given(approved)
      .when(command.paid('d-1'))
      .then([event.paid('d-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({ balanceFen: 970_000n, disbursedFen: 30_000n });
    expect(poolSummary(state).awaitingSettlementCount).toBe(0);
  });

  it('returns the money to the balance when the payment failed', () => {
    const state = given(approved)
      .when(command.failed('d-1'))
      .then([event.failed('d-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 1_000_000n,
      disbursedFen: 0n,
      pendingFen: 0n,
    });
  });

  it('returns nothing for the same outcome again', () => {
    given(paid).when(command.paid('d-1')).then([]);
    given([...approved, event.failed('d-1', '30000')])
      .when(command.failed('d-1'))
      .then([]);
  });

  it('refuses the same outcome with another bank reference or reason: it could hide a second payment', () => {
    given(paid)
      .when(command.paid('d-1', 'BK-OTHER-0002'))
      .thenThrows(TransferConflictError, { httpStatus: 409 });
    given([...approved, event.failed('d-1', '30000')])
      .when(command.failed('d-1', '另一个原因'))
      .thenThrows(TransferConflictError, { httpStatus: 409 });
  });

  it('refuses the opposite outcome', () => {
    given(paid)
      .when(command.failed('d-1'))
      .thenThrows(InvalidTransferStateError, { status: 'paid' });
    given([...approved, event.failed('d-1', '30000')])
      .when(command.paid('d-1'))
      .thenThrows(InvalidTransferStateError, { status: 'failed' });
  });

  it('refuses to settle what is not approved', () => {
    given(requested)
      .when(command.paid('d-1'))
      .thenThrows(InvalidTransferStateError, { status: 'requested' });
  });

  it('requires a bank reference when paid and a reason when failed, and nothing else', () => {
    given(approved)
      .when({ ...command.paid('d-1'), bankReference: undefined })
      .thenThrows(InvalidCommandError, { field: 'bankReference' });
    given(approved)
      .when({ ...command.failed('d-1'), failureReason: '' })
      .thenThrows(InvalidCommandError, { field: 'failureReason' });
    given(approved)
      .when({ ...command.paid('d-1'), failureReason: 'x' })
      .thenThrows(InvalidCommandError, { field: 'failureReason' });
    given(approved)
      .when({ ...command.paid('d-1'), outcome: 'lost' as never })
      .thenThrows(InvalidCommandError, { field: 'outcome' });
  });
});

describe('ReverseTransfer', () => {
  it('credits back a paid disbursement the bank returned', () => {
    const state = given(paid)
      .when(command.reverse('rv-1', 'd-1'))
      .then([event.reversed('rv-1', 'd-1', '30000')]);
    expect(summaryOf(state)).toMatchObject({
      balanceFen: 1_000_000n,
      disbursedFen: 30_000n,
      returnedFen: 30_000n,
    });
    expect(findTransfer(state.transfers, 'd-1')).toMatchObject({ status: 'reversed' });
  });

  it('reverses only what has not already been recovered', () => {
    given([...paid, event.recovered('rc-1', 'd-1', '10000')])
      .when(command.reverse('rv-1', 'd-1'))
      .then([event.reversed('rv-1', 'd-1', '20000')]);
  });

  it('returns nothing for a repeat', () => {
    given([...paid, event.reversed('rv-1', 'd-1', '30000')])
      .when(command.reverse('rv-1', 'd-1'))
      .then([]);
  });

  it('refuses the same reversal id with another reason', () => {
    given([...paid, event.reversed('rv-1', 'd-1', '30000')])
      .when(command.reverse('rv-1', 'd-1', '另一个原因'))
      .thenThrows(TransferConflictError, { existingKind: 'reversal' });
  });

  it('refuses to reverse twice under a new id', () => {
    given([...paid, event.reversed('rv-1', 'd-1', '30000')])
      .when(command.reverse('rv-2', 'd-1'))
      .thenThrows(InvalidTransferStateError, { transferId: 'd-1', status: 'reversed' });
  });

  it('refuses a disbursement that was not paid', () => {
    given(approved)
      .when(command.reverse('rv-1', 'd-1'))
      .thenThrows(InvalidTransferStateError, { status: 'approved' });
  });

  it('does not reverse allocations: those come back from the child', () => {
    given([...funded, event.sent('a-1', '100')])
      .when(command.reverse('rv-1', 'a-1'))
      .thenThrows(TransferKindMismatchError, {
        expectedKind: 'disbursement',
        actualKind: 'allocationSent',
      });
  });

  it('requires a reason', () => {
    given(paid)
      .when(command.reverse('rv-1', 'd-1', ''))
      .thenThrows(InvalidCommandError, { field: 'reason' });
  });
});

describe('RecoverFunds (追回)', () => {
  it('credits the pool with part of a paid disbursement', () => {
    const state = given(paid)
      .when(command.recover('rc-1', 'd-1', 10_000n))
      .then([event.recovered('rc-1', 'd-1', '10000')]);
    expect(summaryOf(state)).toMatchObject({ balanceFen: 980_000n, returnedFen: 10_000n });
    expect(findTransfer(state.transfers, 'd-1')).toMatchObject({
      status: 'paid',
      returnedFen: 10_000n,
    });
  });

  it('marks the disbursement recovered once all of it came back', () => {
    const state = given([...paid, event.recovered('rc-1', 'd-1', '10000')])
      .when(command.recover('rc-2', 'd-1', 20_000n))
      .then([event.recovered('rc-2', 'd-1', '20000')]);
    expect(findTransfer(state.transfers, 'd-1')).toMatchObject({
      status: 'recovered',
      returnedFen: 30_000n,
    });
  });

  it('is bounded by what was paid and not yet returned', () => {
    given([...paid, event.recovered('rc-1', 'd-1', '10000')])
      .when(command.recover('rc-2', 'd-1', 20_001n))
      .thenThrows(RecoveryExceedsOutstandingError, {
        originalTransferId: 'd-1',
        outstandingFen: 20_000n,
        requestedFen: 20_001n,
        code: 'FUNDS.RECOVERY_EXCEEDS_OUTSTANDING',
      });
  });

  it('refuses once everything is back', () => {
    given([...paid, event.recovered('rc-1', 'd-1', '30000')])
      .when(command.recover('rc-2', 'd-1', 1n))
      .thenThrows(InvalidTransferStateError, { status: 'recovered' });
    given([...paid, event.reversed('rv-1', 'd-1', '30000')])
      .when(command.recover('rc-2', 'd-1', 1n))
      .thenThrows(InvalidTransferStateError, { status: 'reversed' });
  });

  it('refuses a disbursement that was never paid', () => {
    given([...approved, event.failed('d-1', '30000')])
      .when(command.recover('rc-1', 'd-1', 1n))
      .thenThrows(InvalidTransferStateError, { status: 'failed' });
  });

  it('returns nothing for a repeat and refuses a different recovery under the same id', () => {
    const recovered = [...paid, event.recovered('rc-1', 'd-1', '10000')];
    given(recovered)
      .when(command.recover('rc-1', 'd-1', 10_000n))
      .then([]);
    given(recovered)
      .when(command.recover('rc-1', 'd-1', 10_001n))
      .thenThrows(TransferConflictError);
  });

  it('requires a positive amount and a reason', () => {
    given(paid)
      .when(command.recover('rc-1', 'd-1', 0n))
      .thenThrows(InvalidAmountError);
    given(paid)
      .when(command.recover('rc-1', 'd-1', 1n, '\n'))
      .thenThrows(InvalidCommandError, { field: 'reason' });
  });
});

describe('idempotency against stored events', () => {
  it('recognises a repeat whatever key order storage returned the event in', () => {
    const stored = event.requested('d-1', '30000', { allocationRef: 'appr-1' });
    const reordered = JSON.parse(
      JSON.stringify({
        type: stored.type,
        data: Object.fromEntries(Object.entries(stored.data).reverse()),
      }),
    ) as PoolEvent;
    given([...funded, reordered])
      .when(command.request('d-1', 30_000n, { allocationRef: 'appr-1' }))
      .then([]);
  });
});

describe('evolve', () => {
  it('crashes on an event that would overdraw the pool', () => {
    expect(() => fold([...funded, event.sent('a-1', '1000001')])).toThrow(
      /^invariant: balanceFen is negative/,
    );
  });

  it('crashes on a transition the decider would never have produced', () => {
    expect(() => fold([...funded, event.approved('d-404', '1')])).toThrow(/^invariant:/);
    expect(() => fold([...requested, event.paid('d-1', '30000')])).toThrow(/^invariant:/);
    expect(() => fold([...funded, event.appropriated('appr-1', '1')])).toThrow(
      /^invariant: transfer appr-1 written twice/,
    );
    expect(() => fold([...requested, event.approved('d-1', '29999')])).toThrow(/^invariant:/);
  });

  it('crashes on an event of another pool', () => {
    const foreign: PoolEvent = {
      type: 'FundsAppropriated',
      data: { ...event.appropriated('appr-2', '1').data, divisionCode: township },
    };
    expect(() => fold([...funded, foreign])).toThrow(/^invariant:/);
  });

  it('does not change the state it was given', () => {
    const before = fold(paid);
    const snapshotBefore = JSON.stringify(poolStateToSnapshot(before));
    evolvePool(before, event.recovered('rc-1', 'd-1', '1'));
    expect(JSON.stringify(poolStateToSnapshot(before))).toBe(snapshotBefore);
  });
});

describe('snapshots', () => {
  const history: PoolEvent[] = [
    event.received('a-9', '2000000'),
    event.sent('a-1', '500000'),
    event.requested('d-1', '30000', { allocationRef: 'a-9' }),
    event.approved('d-1', '30000'),
    event.paid('d-1', '30000'),
    event.recovered('rc-1', 'd-1', '5000'),
    event.requested('d-2', '40000'),
    event.approved('d-2', '40000'),
    event.failed('d-2', '40000'),
    event.requested('d-3', '50000'),
    event.rejected('d-3', '50000'),
    event.requested('d-4', '60000'),
    event.requested('d-5', '70000'),
    event.approved('d-5', '70000'),
  ];

  it('round-trips through JSON text', () => {
    const state = fold(history);
    const text = JSON.stringify(poolStateToSnapshot(state));
    const restored = poolStateFromSnapshot(JSON.parse(text));
    expect(restored).toEqual(state);
    expect(JSON.stringify(poolStateToSnapshot(restored))).toBe(text);
  });

  it('decides from a restored state exactly as from the replayed one', () => {
    const restored = poolStateFromSnapshot(
      JSON.parse(JSON.stringify(poolStateToSnapshot(fold(history)))),
    );
    expect(() => poolDecider.decide(command.approve('d-4', maker), restored)).toThrow(
      SelfApprovalError,
    );
    expect(poolDecider.decide(command.approve('d-4'), restored)).toEqual([
      event.approved('d-4', '60000'),
    ]);
    expect(
      poolDecider.decide(command.request('d-1', 30_000n, { allocationRef: 'a-9' }), restored),
    ).toEqual([]);
    expect(() => poolDecider.decide(command.recover('rc-2', 'd-1', 25_001n), restored)).toThrow(
      RecoveryExceedsOutstandingError,
    );
  });

  it('keeps the per-transfer entries compact', () => {
    const snapshot = poolStateToSnapshot(fold(history));
    expect(snapshot.transfers.find((t) => t.transferId === 'a-1')).toEqual({
      transferId: 'a-1',
      kind: 'allocationSent',
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(snapshot.transfers.find((t) => t.transferId === 'd-4')).toMatchObject({
      status: 'requested',
      requestedBy: maker.id,
    });
    expect(snapshot.transfers.find((t) => t.transferId === 'd-1')).not.toHaveProperty(
      'requestedBy',
    );
  });

  it('refuses a snapshot whose totals do not add up', () => {
    const snapshot = { ...poolStateToSnapshot(fold(history)), balanceFen: '1' };
    expect(() => poolStateFromSnapshot(snapshot)).toThrow(/^invariant: balance/);
  });

  it('refuses a snapshot that is not one', () => {
    expect(() => poolStateFromSnapshot(null)).toThrow(/^invalid pool snapshot/);
    expect(() =>
      poolStateFromSnapshot({ ...poolStateToSnapshot(fold(history)), schemaVersion: 1 }),
    ).toThrow(/schemaVersion/);
    expect(() =>
      poolStateFromSnapshot({ ...poolStateToSnapshot(fold(history)), pendingApprovalCount: 9 }),
    ).toThrow(/counters/);
  });

  it('round-trips the empty pool', () => {
    expect(
      poolStateFromSnapshot(JSON.parse(JSON.stringify(poolStateToSnapshot(initialPoolState())))),
    ).toEqual(initialPoolState());
  });
});

describe('errors', () => {
  it('are domain errors with JSON-safe details', () => {
    const error = new InsufficientFundsError(5n, 7n);
    expect(error).toBeInstanceOf(AppError);
    expect(error.details).toEqual({ balanceFen: '5', requestedFen: '7' });
    expect(JSON.parse(JSON.stringify(error.details))).toEqual(error.details);
  });
});
