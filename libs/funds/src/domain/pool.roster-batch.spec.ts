// Proves a roster batch is all or nothing on the pool: its total is reserved in one event or
// refused, its lines draw only on that reservation, never beyond it, a repeated run of lines
// writes nothing twice, and a batch none of whose lines was requested is released whole, once,
// with every fen back in the balance (and never reserved again).
import fc from 'fast-check';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  InvalidCommandError,
  InvalidTransferStateError,
  RosterBatchConflictError,
  RosterBatchNotCoveredError,
  RosterBatchOverdrawnError,
  RosterBatchReleasedError,
  SelfApprovalError,
  TransferConflictError,
  TransferKindMismatchError,
  TransferNotFoundError,
} from './funds.errors';
import {
  evolvePool,
  initialPoolState,
  poolDecider,
  poolEventClaims,
  poolStateFromSnapshot,
  poolStateToSnapshot,
  poolSummary,
  type DisbursementRequested,
  type PoolEvent,
  type PoolState,
  type ReleaseRosterBatch,
  type RequestRosterDisbursements,
  type ReserveRosterBatch,
  type RosterBatchReleased,
  type RosterBatchReserved,
  type RosterDisbursementRequest,
} from './pool';
import {
  checker,
  command,
  county,
  event,
  fundId,
  maker,
  occurredAt,
} from './testing/pool.fixtures';

const { given } = deciderSpec(poolDecider);

const rosterId = 'ro-530325-0123456789ab';
const fileSha256 = 'ab'.repeat(32);
const uploader = 'u-uploader';
const funded = [event.appropriated('appr-1', '100000')];

function reserve(entryCount: number, amountFen: bigint, id = rosterId): ReserveRosterBatch {
  return {
    type: 'ReserveRosterBatch',
    fundId,
    divisionCode: county,
    transferId: id,
    rosterId: id,
    fileSha256,
    entryCount,
    amountFen,
    actor: checker,
    occurredAt,
  };
}

function reserved(entryCount: number, amountFen: string, id = rosterId): RosterBatchReserved {
  return {
    type: 'RosterBatchReserved',
    data: {
      transferId: id,
      fundId,
      divisionCode: county,
      rosterId: id,
      fileSha256,
      entryCount,
      amountFen,
    },
  };
}

function release(id = rosterId, reason = '名单有误'): ReleaseRosterBatch {
  return {
    type: 'ReleaseRosterBatch',
    fundId,
    divisionCode: county,
    transferId: id,
    rosterId: id,
    fileSha256,
    reason,
    actor: checker,
    occurredAt,
  };
}

function released(
  entryCount: number,
  amountFen: string,
  id = rosterId,
  reason = '名单有误',
): RosterBatchReleased {
  return {
    type: 'RosterBatchReleased',
    data: {
      transferId: id,
      fundId,
      divisionCode: county,
      rosterId: id,
      entryCount,
      amountFen,
      reason,
    },
  };
}

function line(row: number, amountFen: bigint): RosterDisbursementRequest {
  return {
    transferId: `${rosterId}-${row}`,
    beneficiary: {
      kind: 'person',
      id: `5303251980010100${row}`,
      name: `村民${row}`,
      idNumber: `5303251980010100${row}`,
      bankAccount: `62284800000${row}`,
    },
    amountFen,
    rosterEntry: { rosterId, row, fileSha256, uploadedBy: uploader, approvedBy: checker.id },
    purpose: '产业发展补助',
  };
}

function requestLines(lines: RosterDisbursementRequest[]): RequestRosterDisbursements {
  return {
    type: 'RequestRosterDisbursements',
    fundId,
    divisionCode: county,
    transferId: rosterId,
    requests: lines,
    actor: checker,
    occurredAt,
  };
}

function requestedLine(row: number, amountFen: string): DisbursementRequested {
  const request = line(row, BigInt(amountFen));
  return {
    type: 'DisbursementRequested',
    data: {
      transferId: request.transferId,
      fundId,
      divisionCode: county,
      beneficiary: request.beneficiary,
      amountFen,
      rosterEntryRef: `${rosterId}#${row}`,
      purpose: '产业发展补助',
      requestedBy: checker.id,
      rosterBatchRef: rosterId,
      rosterEntry: request.rosterEntry,
    },
  };
}

function fold(events: readonly PoolEvent[]): PoolState {
  return events.reduce(evolvePool, initialPoolState());
}

describe('ReserveRosterBatch', () => {
  it("sets the roster's whole total aside in one event, out of the balance", () => {
    const state = given(funded)
      .when(reserve(3, 60_000n))
      .then([reserved(3, '60000')]);
    expect(state.balanceFen).toBe(40_000n);
    expect(state.rosterReservedFen).toBe(60_000n);
    expect(poolSummary(state).pendingFen).toBe(60_000n);
    expect(poolEventClaims(reserved(3, '60000'))).toEqual({ claims: [`transfer:${rosterId}`] });
  });

  it('refuses a total the pool cannot cover, whole, with nothing written', () => {
    given(funded).when(reserve(3, 100_001n)).thenThrows(RosterBatchNotCoveredError, {
      rosterId,
      balanceFen: 100_000n,
      totalFen: 100_001n,
      httpStatus: 409,
    });
  });

  it('covers exactly the balance', () => {
    given(funded)
      .when(reserve(1, 100_000n))
      .then([reserved(1, '100000')]);
  });

  it('is a repeat when reserved again with the same content, a conflict with other content', () => {
    given([...funded, reserved(3, '60000')])
      .when(reserve(3, 60_000n))
      .then([]);
    // Another decision after an approval that did not finish: told what is reserved, and how on.
    const refused = given([...funded, reserved(3, '60000')])
      .when(reserve(2, 50_000n))
      .thenThrows(RosterBatchConflictError, { rosterId, httpStatus: 409 });
    expect(refused.message).toMatch(/3 lines of 60000 fen reserved.*same decision.*reject/);
    expect(refused.details).toEqual({ rosterId, entryCount: 3, amountFen: '60000' });
    given([...funded, event.appropriated(rosterId, '5')])
      .when(reserve(3, 60_000n))
      .thenThrows(TransferConflictError, { transferId: rosterId });
  });

  it('refuses a bad line count or file hash', () => {
    given(funded).when(reserve(0, 1n)).thenThrows(InvalidCommandError, { field: 'entryCount' });
    given(funded)
      .when({ ...reserve(1, 1n), fileSha256: 'not-a-hash' })
      .thenThrows(InvalidCommandError, { field: 'fileSha256' });
  });
});

describe('RequestRosterDisbursements', () => {
  const batch = [...funded, reserved(3, '60000')];

  it('requests each line against the reservation; the balance does not move', () => {
    const state = given(batch)
      .when(requestLines([line(2, 10_000n), line(3, 20_000n)]))
      .then([requestedLine(2, '10000'), requestedLine(3, '20000')]);
    expect(state.balanceFen).toBe(40_000n);
    expect(state.rosterReservedFen).toBe(30_000n);
    expect(state.reservedFen).toBe(30_000n);
    expect(state.pendingApprovalCount).toBe(2);
    expect(poolSummary(state).pendingFen).toBe(60_000n);
    expect(state.openRosterBatches.get(rosterId)).toEqual({
      remainingFen: 30_000n,
      remainingCount: 1,
    });
  });

  it('closes the batch with its last line', () => {
    const state = given([...batch, requestedLine(2, '10000'), requestedLine(3, '20000')])
      .when(requestLines([line(4, 30_000n)]))
      .then([requestedLine(4, '30000')]);
    expect(state.rosterReservedFen).toBe(0n);
    expect(state.openRosterBatches.size).toBe(0);
    expect(poolSummary(state)).toMatchObject({ balanceFen: 40_000n, pendingFen: 60_000n });
  });

  it('writes only the lines not yet requested when a run is repeated after a crash', () => {
    given([...batch, requestedLine(2, '10000')])
      .when(requestLines([line(2, 10_000n), line(3, 20_000n)]))
      .then([requestedLine(3, '20000')]);
    given([...batch, requestedLine(2, '10000'), requestedLine(3, '20000')])
      .when(requestLines([line(2, 10_000n), line(3, 20_000n)]))
      .then([]);
  });

  it('refuses a line that changed since it was requested', () => {
    given([...batch, requestedLine(2, '10000')])
      .when(requestLines([line(2, 11_000n)]))
      .thenThrows(TransferConflictError, { transferId: `${rosterId}-2` });
  });

  it('never draws more money or lines than reserved, and the last line takes what is left', () => {
    given(batch)
      .when(requestLines([line(2, 59_999n)]))
      .thenThrows(RosterBatchOverdrawnError, { transferId: `${rosterId}-2` });
    given([...batch, requestedLine(2, '10000'), requestedLine(3, '20000')])
      .when(requestLines([line(4, 29_999n)]))
      .thenThrows(RosterBatchOverdrawnError, { transferId: `${rosterId}-4` });
    given([
      ...batch,
      requestedLine(2, '10000'),
      requestedLine(3, '20000'),
      requestedLine(4, '30000'),
    ])
      .when(requestLines([line(5, 1n)]))
      .thenThrows(RosterBatchOverdrawnError, { transferId: `${rosterId}-5` });
  });

  it('refuses lines without a reservation, or naming another kind of transfer', () => {
    given(funded)
      .when(requestLines([line(2, 1n)]))
      .thenThrows(TransferNotFoundError);
    given([...funded, event.appropriated(rosterId, '5')])
      .when(requestLines([line(2, 1n)]))
      .thenThrows(TransferKindMismatchError);
  });

  it('refuses a line named twice in one run', () => {
    given(batch)
      .when(requestLines([line(2, 1n), line(2, 1n)]))
      .thenThrows(InvalidCommandError, { field: 'requests' });
  });

  it('keeps maker-checker: the roster approver requested, so another person approves', () => {
    const state = fold([...batch, requestedLine(2, '10000')]);
    expect(() => poolDecider.decide(command.approve(`${rosterId}-2`, checker), state)).toThrow(
      SelfApprovalError,
    );
    expect(poolDecider.decide(command.approve(`${rosterId}-2`, maker), state)).toHaveLength(1);
  });

  it('keeps open batches through a snapshot', () => {
    const state = fold([...batch, requestedLine(2, '10000')]);
    const restored = poolStateFromSnapshot(
      JSON.parse(JSON.stringify(poolStateToSnapshot(state))) as unknown,
    );
    expect(restored.openRosterBatches).toEqual(state.openRosterBatches);
    expect(restored.rosterReservedFen).toBe(50_000n);
    expect(poolDecider.decide(requestLines([line(3, 20_000n)]), restored)).toHaveLength(1);
  });
});

describe('ReleaseRosterBatch', () => {
  const batch = [...funded, reserved(3, '60000')];

  it('gives a batch none of whose lines was requested back whole, holding its decision key', () => {
    const before = fold(funded);
    const state = given(batch)
      .when(release())
      .then([released(3, '60000')]);
    expect(state.balanceFen).toBe(before.balanceFen);
    expect(state.rosterReservedFen).toBe(0n);
    expect(state.openRosterBatches.size).toBe(0);
    // Every figure as before the reservation; the batch stays in the book, for idempotency.
    expect(poolSummary(state)).toEqual({
      ...poolSummary(before),
      transferCount: poolSummary(before).transferCount + 1,
    });
    expect(poolEventClaims(released(3, '60000'))).toEqual({
      claims: [`transfer:${rosterId}:decision`],
    });
  });

  it('writes nothing when nothing was reserved, or when released already (whatever the reason)', () => {
    given(funded).when(release()).then([]);
    given([]).when(release()).then([]);
    given([...batch, released(3, '60000')])
      .when(release())
      .then([]);
    given([...batch, released(3, '60000')])
      .when(release(rosterId, '另一个理由'))
      .then([]);
  });

  it('never releases a batch its lines drew on, in part or whole', () => {
    given([...batch, requestedLine(2, '10000')])
      .when(release())
      .thenThrows(InvalidTransferStateError, { transferId: rosterId, httpStatus: 409 });
    given([
      ...batch,
      requestedLine(2, '10000'),
      requestedLine(3, '20000'),
      requestedLine(4, '30000'),
    ])
      .when(release())
      .thenThrows(InvalidTransferStateError, { transferId: rosterId });
  });

  it('refuses a release naming another kind of transfer, or another file', () => {
    given([...funded, event.appropriated(rosterId, '5')])
      .when(release())
      .thenThrows(TransferKindMismatchError, { transferId: rosterId });
    given(batch)
      .when({ ...release(), fileSha256: 'cd'.repeat(32) })
      .thenThrows(InvalidTransferStateError, { transferId: rosterId });
    given(batch)
      .when({ ...release(), reason: ' ' })
      .thenThrows(InvalidCommandError, { field: 'reason' });
  });

  it('is never reserved again nor drawn on once released', () => {
    const gone = [...batch, released(3, '60000')];
    given(gone).when(reserve(3, 60_000n)).thenThrows(RosterBatchReleasedError, { rosterId });
    given(gone).when(reserve(2, 50_000n)).thenThrows(RosterBatchReleasedError, { rosterId });
    given(gone)
      .when(requestLines([line(2, 10_000n)]))
      .thenThrows(TransferKindMismatchError, { transferId: rosterId });
  });

  it('keeps a released batch through a snapshot', () => {
    const state = fold([...batch, released(3, '60000')]);
    const restored = poolStateFromSnapshot(
      JSON.parse(JSON.stringify(poolStateToSnapshot(state))) as unknown,
    );
    expect(restored).toEqual(state);
    expect(() => poolDecider.decide(reserve(3, 60_000n), restored)).toThrow(
      RosterBatchReleasedError,
    );
  });

  it('conserves money over any run of reservations, lines and releases', () => {
    const rosters = ['ro-530325-000000000001', 'ro-530325-000000000002', 'ro-530325-000000000003'];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        roster: fc.nat(2),
        count: fc.integer({ min: 1, max: 3 }),
        amountFen: fc.bigInt(3n, 60_000n),
      }),
      fc.record({ kind: fc.constant('line' as const), roster: fc.nat(2) }),
      fc.record({ kind: fc.constant('release' as const), roster: fc.nat(2) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        let state = fold(funded);
        const rows = new Map<string, number>();
        for (const next of steps) {
          const id = rosters[next.roster] ?? rosterId;
          const open = state.openRosterBatches.get(id);
          let command;
          if (next.kind === 'reserve') command = reserve(next.count, next.amountFen, id);
          else if (next.kind === 'release') command = release(id);
          else {
            if (open === undefined) continue;
            const row = (rows.get(id) ?? 1) + 1;
            rows.set(id, row);
            // One fen a line, the last takes what is left: every line within the reservation.
            const amountFen = open.remainingCount === 1 ? open.remainingFen : 1n;
            command = {
              ...requestLines([{ ...line(row, amountFen), transferId: `${id}-${row}` }]),
              transferId: id,
            };
          }
          let events: PoolEvent[];
          try {
            events = poolDecider.decide(command, state);
          } catch {
            continue;
          }
          state = events.reduce(evolvePool, state);
          const summary = poolSummary(state);
          expect(summary.balanceFen + summary.pendingFen).toBe(100_000n);
          expect(state.balanceFen).toBeGreaterThanOrEqual(0n);
        }
      }),
    );
  });
});
