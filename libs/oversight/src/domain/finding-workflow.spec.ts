// Proves the findings workflow on data alone: raised → assigned → disposed → reopened by a higher
// level → assigned and disposed again, each step an event naming its actor; every step out of
// order is a typed 409, every caller of the wrong level or outside the finding's division a typed
// 403, every refused field a 422 naming it; a repeated step decides nothing; and only a standing
// dismissal stops a finding holding up the approval of the roster line it flags.
import type { Actor } from '@sunlight/kernel';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  FindingAuthorityError,
  FindingOrderError,
  InvalidFindingCommandError,
} from '../finding.errors';
import { FindingNotFoundError } from '../oversight.errors';
import { findingDecider, type FindingEvent, type FindingRaised } from './finding';
import {
  holdsUpApproval,
  type AssignFinding,
  type DisposeFinding,
  type FindingAssigned,
  type FindingDisposed,
  type FindingRecovery,
  type FindingReopened,
  type ReopenFinding,
} from './finding-workflow';

const village = '530325102202';
const findingId = `fd-${village}-0123456789abcdef01234567`;
const occurredAt = '2026-12-03T08:00:00Z';
const county: Actor = { id: 'jw-530325', role: 'commission', division: '530325' };
const countyColleague: Actor = { id: 'jw-530325-02', role: 'commission', division: '530325' };
const township: Actor = { id: 'jw-530325102', role: 'commission', division: '530325102' };
const prefecture: Actor = { id: 'jw-5303', role: 'commission', division: '5303' };
const neighbour: Actor = { id: 'jw-530322', role: 'commission', division: '530322' };
const member = { id: 'jw-530325-01', role: 'commission' as const, division: '530325' };

const raised: FindingRaised = {
  type: 'FindingRaised',
  data: {
    findingId,
    ruleId: 'vehicle-owner',
    ruleVersion: 1,
    divisionCode: village,
    subject: {
      id: 'roster-entry:ro-530325102-7f3a9c2b1d4e#2',
      event: {
        eventId: '00000000-0000-4000-8000-000000000001',
        position: '7',
        streamName: 'roster-ro-530325102-7f3a9c2b1d4e',
      },
      rosterId: 'ro-530325102-7f3a9c2b1d4e',
      row: 2,
      kind: 'roster-entry',
      name: '张三',
      idNumber: '530325198001011232',
      villageCode: village,
      fundId: 'yn-2019-wgai',
      purpose: '危房改造',
      period: '2019年',
      referenceDate: '2019-03-01',
      amountFen: '2000000',
    },
    related: [],
    registryRows: [],
    parameters: {},
    explanation: { zh: '张三名下有车辆。', en: '张三 owns a vehicle.' },
    checkId: 'cross-checks.1',
    raisedBy: county,
  },
};

const assign = (
  actor: Actor,
  assignee: { id: string; division: string } = member,
): AssignFinding => ({
  type: 'AssignFinding',
  findingId,
  assignee,
  actor,
  occurredAt,
});
const dispose = (
  actor: Actor,
  disposition: DisposeFinding['disposition'],
  extra: { reason?: string; recovery?: FindingRecovery } = {},
): DisposeFinding => ({
  type: 'DisposeFinding',
  findingId,
  disposition,
  ...extra,
  actor,
  occurredAt,
});
const reopen = (actor: Actor, reason = '复查认为处置依据不足'): ReopenFinding => ({
  type: 'ReopenFinding',
  findingId,
  reason,
  actor,
  occurredAt,
});

const assigned = (by: Actor = county, assignee = member): FindingAssigned => ({
  type: 'FindingAssigned',
  data: { findingId, assignee, assignedBy: by },
});
const disposed = (
  by: Actor,
  disposition: FindingDisposed['data']['disposition'],
  extra: { reason?: string; recovery?: FindingRecovery } = {},
): FindingDisposed => ({
  type: 'FindingDisposed',
  data: { findingId, disposition, ...extra, assignee: member, disposedBy: by },
});
const reopened = (by: Actor, reason = '复查认为处置依据不足'): FindingReopened => ({
  type: 'FindingReopened',
  data: { findingId, reason, disposition: 'dismissed', disposedBy: county, reopenedBy: by },
});
const recovery: FindingRecovery = {
  transferId: 'rec-disb-1',
  originalTransferId: 'disb-1',
  amountFen: '2000000',
  streamName: 'pool-yn-2019-wgai.530325102',
  position: '42',
};
const dismissal = { reason: '车辆已于申请前转让' };

describe('the findings workflow decider', () => {
  const { given } = deciderSpec(findingDecider);

  describe('assign', () => {
    it('assigns a raised finding to a commission member whose division contains it', () => {
      const state = given([raised]).when(assign(county)).then([assigned()]);
      expect(state).toMatchObject({ status: 'assigned', assignee: member });
    });

    it('hands an assigned finding to another member, and a repeat decides nothing', () => {
      const other = { id: 'jw-530325102-01', division: '530325102' };
      given([raised, assigned()])
        .when(assign(county, other))
        .then([assigned(county, { ...other, role: 'commission' })]);
      given([raised, assigned()]).when(assign(countyColleague, member)).then([]);
    });

    it('keeps the assigner’s note', () => {
      given([raised])
        .when({ ...assign(county), note: '十日内核实' })
        .then([{ ...assigned(), data: { ...assigned().data, note: '十日内核实' } }]);
    });

    it('refuses a finding that was never raised (404)', () => {
      given([]).when(assign(county)).thenThrows(FindingNotFoundError);
    });

    it('refuses a caller outside the finding’s division (403)', () => {
      given([raised])
        .when(assign(neighbour, { id: 'x', division: '530322' }))
        .thenThrows(FindingAuthorityError, { code: 'OVERSIGHT.OUTSIDE_JURISDICTION' });
    });

    it('refuses an assignee whose commission does not contain the finding, or lies above the caller (422)', () => {
      given([raised])
        .when(assign(county, { id: 'jw-530325101', division: '530325101' }))
        .thenThrows(InvalidFindingCommandError, { field: 'assignee.division' });
      given([raised])
        .when(assign(township, { id: 'jw-5303', division: '5303' }))
        .thenThrows(InvalidFindingCommandError, { field: 'assignee.division' });
      given([raised])
        .when(assign(county, { id: ' ', division: '530325' }))
        .thenThrows(InvalidFindingCommandError, { field: 'assignee.id' });
    });

    it('refuses a disposed finding until it is reopened (409)', () => {
      given([raised, assigned(), disposed(county, 'confirmed')])
        .when(assign(county))
        .thenThrows(FindingOrderError, {
          code: 'OVERSIGHT.FINDING_ALREADY_DISPOSED',
          status: 'disposed',
        });
    });
  });

  describe('dispose', () => {
    it.each([
      ['confirmed', {}],
      ['dismissed', dismissal],
      ['rectified', { reason: '已从花名册剔除' }],
      ['recovered', { recovery }],
    ] as const)('disposes an assigned finding as %s', (disposition, extra) => {
      const state = given([raised, assigned()])
        .when(dispose(county, disposition, extra))
        .then([disposed(county, disposition, extra)]);
      expect(state).toMatchObject({ status: 'disposed', disposal: { disposition } });
    });

    it('lets a level above the assignee dispose, and a repeat decides nothing', () => {
      given([raised, assigned()])
        .when(dispose(prefecture, 'confirmed'))
        .then([disposed(prefecture, 'confirmed')]);
      given([raised, assigned(), disposed(county, 'dismissed', dismissal)])
        .when(dispose(countyColleague, 'dismissed', dismissal))
        .then([]);
    });

    it('refuses a dismissal without a reason, a recovery without its transfer, and a transfer otherwise (422)', () => {
      given([raised, assigned()])
        .when(dispose(county, 'dismissed'))
        .thenThrows(InvalidFindingCommandError, { field: 'reason' });
      given([raised, assigned()])
        .when(dispose(county, 'dismissed', { reason: '  ' }))
        .thenThrows(InvalidFindingCommandError, { field: 'reason' });
      given([raised, assigned()])
        .when(dispose(county, 'recovered'))
        .thenThrows(InvalidFindingCommandError, { field: 'transferId' });
      given([raised, assigned()])
        .when(dispose(county, 'confirmed', { recovery }))
        .thenThrows(InvalidFindingCommandError, { field: 'transferId' });
      given([raised, assigned()])
        .when(dispose(county, 'closed' as DisposeFinding['disposition']))
        .thenThrows(InvalidFindingCommandError, { field: 'disposition' });
    });

    it('refuses a finding not assigned: raised, or reopened (409)', () => {
      given([raised]).when(dispose(county, 'confirmed')).thenThrows(FindingOrderError, {
        code: 'OVERSIGHT.FINDING_NOT_ASSIGNED',
        status: 'raised',
      });
      given([raised, assigned(), disposed(county, 'dismissed', dismissal), reopened(prefecture)])
        .when(dispose(county, 'confirmed'))
        .thenThrows(FindingOrderError, {
          code: 'OVERSIGHT.FINDING_NOT_ASSIGNED',
          status: 'reopened',
        });
    });

    it('refuses another disposition of a disposed finding (409)', () => {
      given([raised, assigned(), disposed(county, 'dismissed', dismissal)])
        .when(dispose(county, 'confirmed'))
        .thenThrows(FindingOrderError, { code: 'OVERSIGHT.FINDING_ALREADY_DISPOSED' });
    });

    it('refuses a level below the assignee’s (403)', () => {
      given([raised, assigned()])
        .when(dispose(township, 'confirmed'))
        .thenThrows(FindingAuthorityError, { code: 'OVERSIGHT.NOT_ASSIGNEES_LEVEL' });
    });

    it('refuses a caller outside the finding’s division (403)', () => {
      given([raised, assigned()])
        .when(dispose(neighbour, 'confirmed'))
        .thenThrows(FindingAuthorityError, { code: 'OVERSIGHT.OUTSIDE_JURISDICTION' });
    });
  });

  describe('reopen', () => {
    const afterDismissal: FindingEvent[] = [
      raised,
      assigned(),
      disposed(county, 'dismissed', dismissal),
    ];

    it('lets a level above the disposer reopen, then assign and dispose again', () => {
      const state = given(afterDismissal)
        .when(reopen(prefecture))
        .then([reopened(prefecture)]);
      expect(state).toMatchObject({ status: 'reopened' });
      expect(state.assignee).toBeUndefined();
      given([...afterDismissal, reopened(prefecture)])
        .when(assign(prefecture))
        .then([assigned(prefecture)]);
      given([...afterDismissal, reopened(prefecture), assigned(prefecture)])
        .when(dispose(county, 'confirmed'))
        .then([disposed(county, 'confirmed')]);
    });

    it('decides nothing on a repeat', () => {
      given([...afterDismissal, reopened(prefecture)])
        .when(reopen(prefecture))
        .then([]);
    });

    it('refuses the disposer’s own level and a level below it (403)', () => {
      given(afterDismissal)
        .when(reopen(countyColleague))
        .thenThrows(FindingAuthorityError, { code: 'OVERSIGHT.NOT_HIGHER_LEVEL' });
      given(afterDismissal)
        .when(reopen(township))
        .thenThrows(FindingAuthorityError, { code: 'OVERSIGHT.NOT_HIGHER_LEVEL' });
    });

    it('refuses a finding not disposed (409), and a reopening without a reason (422)', () => {
      given([raised, assigned()]).when(reopen(prefecture)).thenThrows(FindingOrderError, {
        code: 'OVERSIGHT.FINDING_NOT_DISPOSED',
        status: 'assigned',
      });
      given([...afterDismissal, reopened(prefecture)])
        .when(reopen(prefecture, '另一个理由'))
        .thenThrows(FindingOrderError, {
          code: 'OVERSIGHT.FINDING_NOT_DISPOSED',
          status: 'reopened',
        });
      given(afterDismissal)
        .when(reopen(prefecture, ''))
        .thenThrows(InvalidFindingCommandError, { field: 'reason' });
    });
  });

  it('refuses a command without a valid actor or time (422)', () => {
    given([raised])
      .when({ ...assign(county), occurredAt: 'yesterday' })
      .thenThrows(InvalidFindingCommandError, { field: 'occurredAt' });
  });

  it('crashes on an event out of order: a bug, not a user mistake', () => {
    expect(() =>
      [raised, disposed(county, 'confirmed')].reduce(
        findingDecider.evolve,
        findingDecider.initialState(),
      ),
    ).toThrow(/invariant/);
  });
});

describe('whether a finding holds up the approval of its roster line', () => {
  const after = (events: FindingEvent[]) =>
    holdsUpApproval(events.reduce(findingDecider.evolve, findingDecider.initialState()));

  it('clears the line only while the finding stands dismissed', () => {
    expect(after([raised])).toBe(true);
    expect(after([raised, assigned()])).toBe(true);
    expect(after([raised, assigned(), disposed(county, 'dismissed', dismissal)])).toBe(false);
    expect(
      after([raised, assigned(), disposed(county, 'dismissed', dismissal), reopened(prefecture)]),
    ).toBe(true);
  });

  it('keeps the line flagged when the lead was found right', () => {
    expect(after([raised, assigned(), disposed(county, 'confirmed')])).toBe(true);
    expect(after([raised, assigned(), disposed(county, 'rectified')])).toBe(true);
    expect(after([raised, assigned(), disposed(county, 'recovered', { recovery })])).toBe(true);
  });
});
