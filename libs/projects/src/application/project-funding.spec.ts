import type { PaymentDocument } from '@sunlight/funds';
import { percentOf, projectFunding } from './project-funding';

const payment = (transferId: string, status: string, amountFen: string, returnedFen = '0') =>
  ({
    fundId: 'f1',
    transferId,
    divisionCode: '530325102',
    amountFen,
    returnedFen,
    status,
    requestedBy: 'fin-1',
    approvedBy: status === 'requested' ? null : 'appr-1',
    bankReference: null,
    requestedAt: '2026-05-01T00:00:00.000Z',
    paidAt: null,
  }) as unknown as PaymentDocument;

describe('project funding', () => {
  it('counts settled money less what came back, and requested or approved as pending', () => {
    const funding = projectFunding('18000000', [
      payment('t1', 'paid', '5400000'),
      payment('t2', 'recovered', '1000000', '400000'),
      payment('t3', 'approved', '200000'),
      payment('t4', 'requested', '100000'),
      payment('t5', 'rejected', '900000'),
      payment('t6', 'failed', '900000'),
    ]);
    expect(funding).toMatchObject({
      budget: '180000.00',
      paid: '60000.00',
      pending: '3000.00',
      paidPercentOfBudget: '33.3',
    });
    expect(funding.transfers.map((transfer) => transfer.transferId)).toEqual([
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
    ]);
  });

  it('rounds percentages down to a tenth and survives an empty budget', () => {
    expect(percentOf(1n, 3n)).toBe('33.3');
    expect(percentOf(3n, 10n)).toBe('30.0');
    expect(percentOf(5n, 0n)).toBe('0.0');
  });
});
