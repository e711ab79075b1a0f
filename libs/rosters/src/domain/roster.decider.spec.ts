// Proves that approving a checked roster needs a reason, or the flagged rows excluded, only for
// the lines still flagged when it is approved (a finding open, or found right), that a line whose
// findings were all dismissed is paid without one, that RosterApproved records the rows still
// flagged, and that approvals recorded before that field existed still fold.
import { deciderSpec } from '@sunlight/kernel/testing';
import type { Actor } from '@sunlight/kernel';
import type { ApproveRoster } from './roster.decider';
import { rosterDecider } from './roster.decider';
import type { RosterEvent } from './roster.events';
import { InvalidRosterCommandError, RosterStateError } from './rosters.errors';

const rosterId = 'ro-530325102-0123456789ab';
const clerk: Actor = { id: 'u-clerk', role: 'finance', division: '530325102' };
const approver: Actor = { id: 'u-approver', role: 'approver', division: '530325' };
const jobId = 'roster-approvals.x';

const line = (row: number, amountFen: string): RosterEvent => ({
  type: 'RosterEntryAccepted',
  data: {
    rosterId,
    row,
    name: `名${row}`,
    idNumber: String(row),
    villageGroup: '530325102202',
    bankAccount: String(row),
    amountFen,
  },
});

/** Three lines of 100, 200 and 300 fen; the check flagged rows 2 and 4. */
const checked: RosterEvent[] = [
  {
    type: 'RosterUploaded',
    data: {
      rosterId,
      fundId: 'f-1',
      divisionCode: '530325102',
      purpose: '危房改造',
      period: '2026',
      fileSha256: 'a'.repeat(64),
      fileName: 'r.csv',
      bytes: 10,
      format: 'csv',
      uploadedBy: clerk,
      parseJobId: 'rosters.x',
    },
  },
  line(2, '100'),
  line(3, '200'),
  line(4, '300'),
  {
    type: 'RosterParsed',
    data: {
      rosterId,
      accepted: 3,
      rejected: 0,
      totalFen: '600',
      check: {
        checkId: 'rosters.x',
        findings: 3,
        flagged: [
          { row: 2, amountFen: '100', findingIds: ['fd-a', 'fd-b'] },
          { row: 4, amountFen: '300', findingIds: ['fd-c'] },
        ],
      },
    },
  },
];

const approve = (fields: Partial<ApproveRoster> = {}): ApproveRoster => ({
  type: 'ApproveRoster',
  rosterId,
  disbursementJobId: jobId,
  actor: approver,
  occurredAt: '2026-03-01T00:00:00Z',
  ...fields,
});

const approvedData = {
  rosterId,
  approvedBy: approver,
  disbursementJobId: jobId,
};

describe('ApproveRoster of a checked roster', () => {
  const { given } = deciderSpec(rosterDecider);

  it('approves without a reason once every flagged line was dismissed, recording none flagged', () => {
    const state = given(checked)
      .when(approve({ stillFlaggedRows: [] }))
      .then([
        {
          type: 'RosterApproved',
          data: { ...approvedData, accepted: 3, totalFen: '600', flaggedRows: [] },
        },
      ]);
    expect(state.approvalFlaggedRows).toEqual([]);
  });

  it('needs a reason or the exclusion while one line is still flagged (open, or confirmed)', () => {
    // The application passes row 4 when its finding is open, or disposed as confirmed, rectified
    // or recovered: the decider sees only the rows, whichever it was.
    const error = given(checked)
      .when(approve({ stillFlaggedRows: [4] }))
      .thenThrows(InvalidRosterCommandError, { field: 'reason' });
    expect(error.message).toContain('row 4 has findings not dismissed');
    expect(error.message).not.toContain('row 2');

    given(checked)
      .when(approve({ stillFlaggedRows: [4], excludedRows: [4] }))
      .then([
        {
          type: 'RosterApproved',
          data: {
            ...approvedData,
            accepted: 2,
            totalFen: '300',
            excludedRows: [4],
            flaggedRows: [4],
          },
        },
      ]);
    given(checked)
      .when(approve({ stillFlaggedRows: [4], reason: '经核实车辆已转让' }))
      .then([
        {
          type: 'RosterApproved',
          data: {
            ...approvedData,
            accepted: 3,
            totalFen: '600',
            reason: '经核实车辆已转让',
            flaggedRows: [4],
          },
        },
      ]);
  });

  it('excluding only the cleared line does not answer for the one still flagged', () => {
    given(checked)
      .when(approve({ stillFlaggedRows: [4], excludedRows: [2] }))
      .thenThrows(InvalidRosterCommandError, { field: 'reason' });
    // A cleared line may still be left unpaid, with the flagged one answered for.
    given(checked)
      .when(approve({ stillFlaggedRows: [4], excludedRows: [2, 4] }))
      .then([
        {
          type: 'RosterApproved',
          data: {
            ...approvedData,
            accepted: 1,
            totalFen: '200',
            excludedRows: [2, 4],
            flaggedRows: [4],
          },
        },
      ]);
  });

  it('counts every flagged line when the findings were not read (no stillFlaggedRows)', () => {
    given(checked).when(approve()).thenThrows(InvalidRosterCommandError, { field: 'reason' });
    given(checked)
      .when(approve({ reason: '知情审批' }))
      .then([
        {
          type: 'RosterApproved',
          data: {
            ...approvedData,
            accepted: 3,
            totalFen: '600',
            reason: '知情审批',
            flaggedRows: [2, 4],
          },
        },
      ]);
  });

  it('still refuses to exclude a row the check never flagged', () => {
    given(checked)
      .when(approve({ stillFlaggedRows: [], excludedRows: [3] }))
      .thenThrows(InvalidRosterCommandError, { field: 'excludedRows' });
  });

  it('treats a still-flagged row the check never flagged as a wiring bug', () => {
    expect(() =>
      rosterDecider.decide(
        approve({ stillFlaggedRows: [3] }),
        checked.reduce(rosterDecider.evolve, rosterDecider.initialState()),
      ),
    ).toThrow(/never flagged/);
  });

  it('records no flaggedRows for a roster that was never checked', () => {
    const unchecked = checked.map((event) =>
      event.type === 'RosterParsed'
        ? { ...event, data: { rosterId, accepted: 3, rejected: 0, totalFen: '600' } }
        : event,
    );
    given(unchecked)
      .when(approve())
      .then([{ type: 'RosterApproved', data: { ...approvedData, accepted: 3, totalFen: '600' } }]);
  });

  it('folds an approval recorded before flaggedRows existed, and answers its replay', () => {
    const old: RosterEvent = {
      type: 'RosterApproved',
      data: { ...approvedData, accepted: 3, totalFen: '600', reason: '知情审批' },
    };
    const state = given([...checked, old])
      .when(approve({ stillFlaggedRows: [] }))
      .then([]);
    expect(state).toMatchObject({
      status: 'approved',
      approvalReason: '知情审批',
      approvedCount: 3,
    });
    expect(state.approvalFlaggedRows).toBeUndefined();
    given([...checked, old])
      .when(approve({ actor: { ...approver, id: 'u-other' } }))
      .thenThrows(RosterStateError, { status: 'approved' });
  });
});
