import type { DivisionRegistry } from '@sunlight/geo';
import type { Beneficiary } from '../../domain';
import { TestLedger } from './ledger';

/**
 * One season of two fund lines in Qujing (曲靖市), written through the real deciders:
 *
 * day 0   FA (central, 产业发展, 2024) appropriated to the province: 10,000,000 yuan
 * day 1   FB (county, 危房改造, 2023) appropriated to Fuyuan county 530325: 500,000
 * day 2   province → Qujing 5303: 6,000,000 (received)
 * day 3   FB: Fuyuan → Yingshang town 530325102: 200,000 (received)
 * day 4   FB: Yingshang pays 李四 20,000
 * day 5   Qujing → Fuyuan 2,000,000 (received); Qujing → Huize 530326 1,500,000 (in transit)
 * day 10  Fuyuan → Yingshang 800,000 (received)
 * day 12  Yingshang → villages 营上村 100,000 and 大粟村 50,000 (received)
 * day 15  Yingshang: 张三 10,000 paid; 李四 8,000 approved, payment failed; 王五 5,000 rejected;
 *         营上村 pays 张三 3,000 and 大粟村 pays 张三 2,000 (the same ID number in two villages)
 * day 20  2,000 recovered (追回) from 张三's township payment; the bank returns 营上村's 3,000
 * `receiveHuize()` (day 25) lands the allocation in transit.
 */
export const province = '53';
export const qujing = '5303';
export const fuyuan = '530325';
export const huize = '530326';
export const yingshang = '530325102';
export const yingshangVillage = '530325102202';
export const dasuVillage = '530325102203';

export const fundA = 'FA2024-yn-cy';
export const fundB = 'FB2023-fy-wg';

export const zhangSan: Beneficiary = {
  kind: 'household',
  id: 'household-530325102202-0001',
  name: '张三',
  idNumber: '53032519800101001X',
  bankAccount: '6228480000000000001',
};
export const liSi: Beneficiary = {
  kind: 'person',
  id: 'person-530325102203-0007',
  name: '李四',
  idNumber: '530325197505050022',
};
export const wangWu: Beneficiary = {
  kind: 'person',
  id: 'person-530325102202-0042',
  name: '王五',
  idNumber: '530325196003030013',
};

export const yuan = (amount: number): bigint => BigInt(amount) * 100n;

export interface Season {
  ledger: TestLedger;
  /** The allocation Qujing sent to Huize, in transit until `receiveHuize`. */
  huizeTransferId: string;
  receiveHuize(): void;
}

export function season(registry: DivisionRegistry): Season {
  const ledger = new TestLedger(registry, '2024-03-01T01:00:00.000Z');
  const day = (n: number) => ledger.at(n);

  day(0);
  ledger.createFund({
    fundId: fundA,
    divisionCode: province,
    amountFen: yuan(10_000_000),
    name: '2024年中央财政衔接推进乡村振兴补助资金',
  });
  day(1);
  ledger.createFund({
    fundId: fundB,
    divisionCode: fuyuan,
    amountFen: yuan(500_000),
    name: '2023年富源县农村危房改造补助资金',
    fiscalYear: 2023,
    purposeCategory: '危房改造',
    source: '县级财政',
  });
  day(2);
  ledger.receive(fundA, ledger.send(fundA, province, qujing, yuan(6_000_000), 'a1'));
  day(3);
  ledger.receive(fundB, ledger.send(fundB, fuyuan, yingshang, yuan(200_000), 'b1'));
  day(4);
  ledger
    .request(fundB, yingshang, 'db1', liSi, yuan(20_000))
    .approve(fundB, yingshang, 'db1')
    .pay(fundB, yingshang, 'db1');
  day(5);
  ledger.receive(fundA, ledger.send(fundA, qujing, fuyuan, yuan(2_000_000), 'a2'));
  const huizeTransferId = ledger.send(fundA, qujing, huize, yuan(1_500_000), 'a3');
  day(10);
  ledger.receive(fundA, ledger.send(fundA, fuyuan, yingshang, yuan(800_000), 'a4'));
  day(12);
  ledger.receive(fundA, ledger.send(fundA, yingshang, yingshangVillage, yuan(100_000), 'a5'));
  ledger.receive(fundA, ledger.send(fundA, yingshang, dasuVillage, yuan(50_000), 'a6'));
  day(15);
  ledger
    .request(fundA, yingshang, 'd1', zhangSan, yuan(10_000))
    .request(fundA, yingshang, 'd2', liSi, yuan(8_000))
    .request(fundA, yingshang, 'd3', wangWu, yuan(5_000))
    .approve(fundA, yingshang, 'd1')
    .approve(fundA, yingshang, 'd2')
    .reject(fundA, yingshang, 'd3')
    .pay(fundA, yingshang, 'd1')
    .fail(fundA, yingshang, 'd2');
  ledger
    .request(fundA, yingshangVillage, 'd4', zhangSan, yuan(3_000))
    .approve(fundA, yingshangVillage, 'd4')
    .pay(fundA, yingshangVillage, 'd4');
  ledger
    .request(fundA, dasuVillage, 'd5', zhangSan, yuan(2_000))
    .approve(fundA, dasuVillage, 'd5')
    .pay(fundA, dasuVillage, 'd5');
  day(20);
  ledger.recover(fundA, yingshang, 'r1', 'd1', yuan(2_000));
  ledger.reverse(fundA, yingshangVillage, 'rv1', 'd4');

  return {
    ledger,
    huizeTransferId,
    receiveHuize: () => {
      day(25);
      ledger.receive(fundA, huizeTransferId);
    },
  };
}
