// Proves the payments history finds every payment to an ID number across funds and villages, in log order, with who requested, approved, rejected or settled it and every return.
import { loadDivisionRegistry } from '@sunlight/geo';
import {
  paymentsByIdNumberQuery,
  paymentsCollection,
  type PaymentDocument,
  paymentsProjection,
} from './payments.projection';
import { documentOf, findDocuments, foldProjection } from './testing/fold';
import {
  dasuVillage,
  fundA,
  fundB,
  liSi,
  season,
  wangWu,
  yingshang,
  yingshangVillage,
  zhangSan,
} from './testing/scenario';

const registry = loadDivisionRegistry();

describe('payments projection', () => {
  const { ledger } = season(registry);
  const documents = foldProjection(paymentsProjection, ledger.events);
  const paymentsTo = (idNumber: string) =>
    findDocuments<PaymentDocument>(
      documents,
      paymentsCollection,
      paymentsByIdNumberQuery(idNumber, 50),
    ).items;

  it('keeps one document per disbursement and nothing for allocations', () => {
    expect([...documents.keys()].sort()).toEqual(
      [
        `${fundA}.${yingshang}/d1`,
        `${fundA}.${yingshang}/d2`,
        `${fundA}.${yingshang}/d3`,
        `${fundA}.${yingshangVillage}/d4`,
        `${fundA}.${dasuVillage}/d5`,
        `${fundB}.${yingshang}/db1`,
      ].map((id) => `${paymentsCollection}/${id}`),
    );
  });

  it('finds every payment to one ID number, in any fund and village, in log order', () => {
    // 张三's number ends in X; the lookup is case-blind to it.
    const payments = paymentsTo(zhangSan.idNumber!.toLowerCase());
    expect(
      payments.map((payment) => [
        payment.divisionCode,
        payment.transferId,
        payment.status,
        payment.amountFen,
        payment.returnedFen,
      ]),
    ).toEqual([
      [yingshang, 'd1', 'paid', '1000000', '200000'],
      [yingshangVillage, 'd4', 'reversed', '300000', '300000'],
      [dasuVillage, 'd5', 'paid', '200000', '0'],
    ]);
    expect(payments.map((payment) => payment.requestedPosition)).toEqual(
      [...payments.map((payment) => payment.requestedPosition)].sort(),
    );
    expect(
      paymentsTo(liSi.idNumber!).map((payment) => [
        payment.fundId,
        payment.transferId,
        payment.status,
      ]),
    ).toEqual([
      [fundB, 'db1', 'paid'],
      [fundA, 'd2', 'failed'],
    ]);
  });

  it('records who requested and approved a payment, the bank outcome and when', () => {
    expect(
      documentOf<PaymentDocument>(documents, paymentsCollection, `${fundA}.${yingshang}/d1`),
    ).toMatchObject({
      fundId: fundA,
      idNumber: zhangSan.idNumber,
      beneficiaryKind: 'household',
      beneficiaryId: zhangSan.id,
      beneficiary: zhangSan,
      purpose: '产业奖补',
      requestedBy: 'u-maker',
      approvedBy: 'u-checker',
      rejectedBy: null,
      settledBy: 'system:bank-gateway',
      bankReference: 'BK-d1',
      requestedAt: '2024-03-16T01:00:00.000Z',
      approvedAt: '2024-03-16T01:00:00.000Z',
      paidAt: '2024-03-16T01:00:00.000Z',
      returns: [
        {
          transferId: 'r1',
          kind: 'recovery',
          amountFen: '200000',
          reason: '冒领追回',
          by: 'u-checker',
          at: '2024-03-21T01:00:00.000Z',
        },
      ],
    });
  });

  it('records a rejection with who rejected it and why, and a failed payment with the bank reason', () => {
    expect(paymentsTo(wangWu.idNumber!)).toEqual([
      expect.objectContaining({
        status: 'rejected',
        rejectedBy: 'u-checker',
        rejectionReason: '花名册信息与档案不符',
        approvedBy: null,
        paidAt: null,
      }),
    ]);
    expect(
      documentOf<PaymentDocument>(documents, paymentsCollection, `${fundA}.${yingshang}/d2`),
    ).toMatchObject({
      status: 'failed',
      approvedBy: 'u-checker',
      failureReason: '账户已销户',
      settledBy: 'system:bank-gateway',
    });
  });

  it('lists the position of every event behind a payment, and those are the events that named it', () => {
    const payment = documentOf<PaymentDocument>(
      documents,
      paymentsCollection,
      `${fundA}.${yingshangVillage}/d4`,
    );
    const named = ledger.events
      .filter((event) => event.streamName === `pool-${fundA}.${yingshangVillage}`)
      .filter(
        (event) => event.data['transferId'] === 'd4' || event.data['originalTransferId'] === 'd4',
      );
    expect(named.map((event) => event.type)).toEqual([
      'DisbursementRequested',
      'DisbursementApproved',
      'DisbursementPaid',
      'TransferReversed',
    ]);
    expect(payment.positions).toEqual(named.map((event) => event.position));
    expect(payment.lastPosition).toBe(named[named.length - 1]?.position);
  });

  it('shows a full recovery as recovered and applies nothing twice', () => {
    ledger.at(30).recover(fundA, dasuVillage, 'r2', 'd5', 2_000_00n);
    const after = foldProjection(paymentsProjection, ledger.events, documents);
    expect(
      documentOf<PaymentDocument>(after, paymentsCollection, `${fundA}.${dasuVillage}/d5`),
    ).toMatchObject({
      status: 'recovered',
      returnedFen: '200000',
    });
    expect(foldProjection(paymentsProjection, ledger.events, after)).toEqual(after);
    expect(foldProjection(paymentsProjection, ledger.events)).toEqual(after);
  });
});
