// Proves a bank settlement file's header and lines are read exactly as docs/formats.md says, and
// that a roster takes a settlement file only once approved, and the same file once.
import { deciderSpec } from '@sunlight/kernel/testing';
import type { Actor } from '@sunlight/kernel';
import { rosterDecider } from './roster.decider';
import type { RosterEvent, RosterUploaded } from './roster.events';
import { RosterStateError } from './rosters.errors';
import { checkSettlementLine, mapSettlementHeader } from './settlement-lines';

const rosterId = 'ro-530325102-0123456789ab';
const clerk: Actor = { id: 'u-clerk', role: 'finance', division: '530325102' };
const approver: Actor = { id: 'u-approver', role: 'approver', division: '530325' };
const bank: Actor = { id: 'u-bank', role: 'bank', division: '530325' };
const sha = (c: string) => c.repeat(64);

describe('settlement file header', () => {
  it('matches the Chinese or English headers, trimmed and case-folded', () => {
    expect(mapSettlementHeader(['转账编号', '结果', '银行流水号', '失败原因'])).toEqual(
      new Map([
        [0, 'transfer_id'],
        [1, 'outcome'],
        [2, 'bank_reference'],
        [3, 'reason'],
      ]),
    );
    expect(mapSettlementHeader([' Transfer_ID ', 'OUTCOME'])).toEqual(
      new Map([
        [0, 'transfer_id'],
        [1, 'outcome'],
      ]),
    );
  });

  it('names a missing required column and lists the expected headers', () => {
    expect(mapSettlementHeader(['transfer_id', 'bank_reference'])).toEqual({
      problem:
        'lacks the required column 结果 / outcome; the expected headers are 转账编号 / transfer_id, 结果 / outcome, 银行流水号 / bank_reference (optional), 失败原因 / reason (optional)',
    });
    expect(mapSettlementHeader(['转账编号', 'transfer_id', '结果'])).toEqual({
      problem: 'has the column transfer_id twice',
    });
  });
});

describe('settlement lines', () => {
  const line = (cells: Record<string, string>) => checkSettlementLine(9, cells, rosterId);

  it('reads a paid and a failed line', () => {
    expect(
      line({ transfer_id: `${rosterId}-2`, outcome: '成功', bank_reference: ' BK-1 ' }),
    ).toEqual({
      row: 9,
      ok: true,
      transferId: `${rosterId}-2`,
      outcome: 'paid',
      bankReference: 'BK-1',
    });
    expect(line({ transfer_id: `${rosterId}-3`, outcome: 'FAILED', reason: '账户冻结' })).toEqual({
      row: 9,
      ok: true,
      transferId: `${rosterId}-3`,
      outcome: 'failed',
      reason: '账户冻结',
    });
  });

  it('reports each bad line with its field', () => {
    expect(line({ outcome: '成功' })).toMatchObject({ ok: false, field: 'transfer_id' });
    expect(line({ transfer_id: 'other-2', outcome: '成功' })).toMatchObject({
      ok: false,
      field: 'transfer_id',
    });
    expect(line({ transfer_id: `${rosterId}-0`, outcome: '成功' })).toMatchObject({
      field: 'transfer_id',
    });
    expect(line({ transfer_id: `${rosterId}-2`, outcome: '已付' })).toMatchObject({
      field: 'outcome',
    });
    expect(line({ transfer_id: `${rosterId}-2`, outcome: 'paid' })).toMatchObject({
      field: 'bank_reference',
      reason: 'is required when paid',
    });
    expect(line({ transfer_id: `${rosterId}-2`, outcome: '失败' })).toMatchObject({
      field: 'reason',
      reason: 'is required when failed',
    });
  });
});

describe('RecordSettlementFile', () => {
  const { given } = deciderSpec(rosterDecider);
  const uploaded: RosterUploaded = {
    type: 'RosterUploaded',
    data: {
      rosterId,
      fundId: 'f-1',
      divisionCode: '530325102',
      purpose: '产业发展补助',
      period: '2026',
      fileSha256: sha('a'),
      fileName: 'r.csv',
      bytes: 10,
      format: 'csv',
      uploadedBy: clerk,
      parseJobId: 'rosters.x',
    },
  };
  const parsed: RosterEvent[] = [
    uploaded,
    {
      type: 'RosterEntryAccepted',
      data: {
        rosterId,
        row: 2,
        name: '张三',
        idNumber: '1',
        villageGroup: '530325102202',
        bankAccount: '1',
        amountFen: '100',
      },
    },
    { type: 'RosterParsed', data: { rosterId, accepted: 1, rejected: 0, totalFen: '100' } },
  ];
  const approved: RosterEvent[] = [
    ...parsed,
    {
      type: 'RosterApproved',
      data: {
        rosterId,
        approvedBy: approver,
        accepted: 1,
        totalFen: '100',
        disbursementJobId: 'roster-approvals.x',
      },
    },
  ];
  const record = {
    type: 'RecordSettlementFile' as const,
    rosterId,
    file: { sha256: sha('b'), name: '回单.csv', bytes: 20, format: 'csv' as const },
    settlementJobId: 'roster-settlements.y',
    actor: bank,
    occurredAt: '2026-03-01T00:00:00Z',
  };
  const received: RosterEvent = {
    type: 'RosterSettlementFileReceived',
    data: {
      rosterId,
      fileSha256: sha('b'),
      fileName: '回单.csv',
      bytes: 20,
      format: 'csv',
      uploadedBy: bank,
      settlementJobId: 'roster-settlements.y',
    },
  };

  it('records the file of an approved roster, once', () => {
    const state = given(approved).when(record).then([received]);
    expect(state.settlementFiles).toHaveLength(1);
    given([...approved, received])
      .when(record)
      .then([]);
  });

  it('refuses a roster that is not approved', () => {
    given(parsed).when(record).thenThrows(RosterStateError, { status: 'parsed' });
  });
});
