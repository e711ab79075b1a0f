// Proves each cross-check rule on plain data: it raises a lead with its evidence for what it is
// meant to find, and none for the noise it documents as excluded (a homonym with another ID
// number, a farm vehicle, a registration after the reference date, an unlisted relation, an
// invalid number never matched), at the boundaries of its parameters.
import { makeIdNumber } from '@sunlight/geo';
import { RegistryIndex, type RegistryKind, type RegistryRow } from './registries';
import {
  businessOwner,
  deceased,
  duplicateBeneficiary,
  findRule,
  invalidIdNumber,
  overCap,
  parametersOf,
  propertyBuyer,
  publicServantOrCadreRelative,
  ruleCatalogue,
  sharedBankAccount,
  vehicleOwner,
  type RuleDefinition,
  type RuleParameters,
} from './rules';
import type { CheckSubject } from './subjects';

const applicant = makeIdNumber('530325', '19800101', '123');
const homonym = makeIdNumber('530325', '19800101', '135');
const cadre = makeIdNumber('530325', '19650101', '011');
const source = (row: number) => ({ snapshotSha256: 'ab'.repeat(32), asOf: '2019-01-01', row });

let subjectCount = 0;
function subject(overrides: Partial<CheckSubject> = {}): CheckSubject {
  subjectCount += 1;
  return {
    id: `roster-entry:ro-530325102-000000000001#${subjectCount}`,
    kind: 'roster-entry',
    name: '张三',
    idNumberAsWritten: applicant,
    idNumber: applicant,
    bankAccount: `62170000${String(subjectCount).padStart(8, '0')}`,
    amountFen: '360000',
    villageCode: '530325102201',
    fundId: 'fy-2019-wg',
    purpose: '危房改造',
    period: '2019',
    referenceDate: '2019-03-01',
    listedOn: '2019-04-10',
    event: { eventId: `e-${subjectCount}`, position: String(subjectCount), streamName: 'roster-x' },
    rosterId: 'ro-530325102-000000000001',
    row: subjectCount,
    ...overrides,
  };
}

function run(
  rule: RuleDefinition,
  subjects: CheckSubject[],
  registries: Partial<Record<RegistryKind, RegistryRow[]>> = {},
  given: RuleParameters = {},
) {
  const index = new RegistryIndex(
    Object.entries(registries).map(([kind, rows]) => ({ kind: kind as RegistryKind, rows })),
  );
  return rule.evaluate({ subjects, registries: index }, parametersOf(rule, given));
}

describe('the rule catalogue', () => {
  it('documents every rule: method, inputs, parameters with defaults, exclusions, example', () => {
    for (const rule of ruleCatalogue) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.version).toBeGreaterThanOrEqual(1);
      expect(rule.method.length).toBeGreaterThan(20);
      expect(rule.inputs.length).toBeGreaterThan(0);
      expect(rule.exclusions.length).toBeGreaterThan(0);
      expect(rule.example.length).toBeGreaterThan(10);
      expect(findRule(rule.id)).toBe(rule);
    }
    expect(new Set(ruleCatalogue.map((rule) => rule.id)).size).toBe(ruleCatalogue.length);
  });
});

describe('public-servant-or-cadre-relative', () => {
  const servant: RegistryRow = {
    kind: 'public-servants',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    employer: '富源县教育局',
  };
  const relative = (relation: string, id = applicant): RegistryRow => ({
    kind: 'village-cadres',
    source: source(2),
    cadreIdNumber: cadre,
    name: '李四',
    relativeIdNumber: id,
    relativeName: '张三',
    relation,
  });

  it('flags a person on the public payroll, with the row and its snapshot as evidence', () => {
    const hits = run(publicServantOrCadreRelative, [subject()], { 'public-servants': [servant] });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.registryRows).toEqual([servant]);
    expect(hits[0]?.explanation.zh).toContain('财政供养人员');
    expect(hits[0]?.parameters).toEqual({ relations: ['配偶', '子女', '父母', '兄弟姐妹'] });
  });

  it('flags a listed relative and the cadre himself, not an unlisted relation', () => {
    expect(
      run(publicServantOrCadreRelative, [subject()], { 'village-cadres': [relative('子女')] }),
    ).toHaveLength(1);
    expect(
      run(publicServantOrCadreRelative, [subject()], { 'village-cadres': [relative('堂兄弟')] }),
    ).toEqual([]);
    const own: RegistryRow = {
      kind: 'village-cadres',
      source: source(3),
      cadreIdNumber: applicant,
      name: '张三',
      relation: '本人',
    };
    expect(
      run(publicServantOrCadreRelative, [subject()], { 'village-cadres': [own] }),
    ).toHaveLength(1);
    expect(
      run(
        publicServantOrCadreRelative,
        [subject()],
        { 'village-cadres': [relative('堂兄弟')] },
        { relations: ['堂兄弟'] },
      ),
    ).toHaveLength(1);
  });

  it('flags a cadre who has no own row but is named as the cadre on a relative’s row', () => {
    const hits = run(publicServantOrCadreRelative, [subject({ idNumber: cadre })], {
      'village-cadres': [relative('子女', homonym), relative('配偶', homonym)],
    });
    expect(hits).toHaveLength(1);
    // One row is the evidence that he is a cadre, not every relative he has.
    expect(hits[0]?.registryRows).toHaveLength(1);
    expect(hits[0]?.explanation.zh).toContain('村干部本人');
  });

  it('never matches on the name: a homonym with another ID number, or an invalid number, is not flagged', () => {
    const rows = { 'public-servants': [servant] };
    expect(
      run(
        publicServantOrCadreRelative,
        [subject({ idNumber: homonym, idNumberAsWritten: homonym })],
        rows,
      ),
    ).toEqual([]);
    expect(
      run(
        publicServantOrCadreRelative,
        [subject({ idNumber: undefined, idNumberAsWritten: applicant.slice(0, 17) + '0' })],
        rows,
      ),
    ).toEqual([]);
  });
});

describe('business-owner, vehicle-owner, property-buyer: on or before the reference date', () => {
  const business = (registered: string): RegistryRow => ({
    kind: 'businesses',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    type: '个体工商户',
    registered,
  });
  const vehicle = (type: string, registered: string): RegistryRow => ({
    kind: 'vehicles',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    plate: '云D12345',
    type,
    registered,
  });
  const property = (type: string, purchased: string): RegistryRow => ({
    kind: 'property',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    type,
    purchased,
  });

  it('counts a registration on the reference date itself and not the day after', () => {
    expect(run(businessOwner, [subject()], { businesses: [business('2019-03-01')] })).toHaveLength(
      1,
    );
    expect(run(businessOwner, [subject()], { businesses: [business('2019-03-02')] })).toEqual([]);
    expect(
      run(vehicleOwner, [subject()], { vehicles: [vehicle('小型轿车', '2019-03-01')] }),
    ).toHaveLength(1);
    expect(
      run(vehicleOwner, [subject()], { vehicles: [vehicle('小型轿车', '2019-03-02')] }),
    ).toEqual([]);
    expect(
      run(propertyBuyer, [subject()], { property: [property('商品房', '2019-03-01')] }),
    ).toHaveLength(1);
    expect(
      run(propertyBuyer, [subject()], { property: [property('商品房', '2019-03-02')] }),
    ).toEqual([]);
  });

  it('leaves out farm vehicles and other property types, as configured', () => {
    for (const farm of ['三轮农用车', '拖拉机', '低速货车', '农用运输车'])
      expect(run(vehicleOwner, [subject()], { vehicles: [vehicle(farm, '2018-01-01')] })).toEqual(
        [],
      );
    expect(
      run(
        vehicleOwner,
        [subject()],
        { vehicles: [vehicle('拖拉机', '2018-01-01')] },
        { farmVehicleTypes: [] },
      ),
    ).toHaveLength(1);
    expect(
      run(propertyBuyer, [subject()], { property: [property('安置房', '2018-01-01')] }),
    ).toEqual([]);
    expect(
      run(
        businessOwner,
        [subject()],
        { businesses: [business('2018-01-01')] },
        { excludedTypes: ['个体工商户'] },
      ),
    ).toEqual([]);
  });

  it('raises nothing when no snapshot of the registry is in force', () => {
    expect(run(vehicleOwner, [subject()], {})).toEqual([]);
  });
});

describe('deceased', () => {
  const death = (died: string): RegistryRow => ({
    kind: 'deaths',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    died,
  });

  it('flags a line dated after the death, not one on the day of it, and honours graceDays', () => {
    expect(run(deceased, [subject()], { deaths: [death('2019-02-28')] })).toHaveLength(1);
    expect(run(deceased, [subject()], { deaths: [death('2019-03-01')] })).toEqual([]);
    expect(run(deceased, [subject()], { deaths: [death('2019-02-28')] }, { graceDays: 1 })).toEqual(
      [],
    );
    expect(
      run(deceased, [subject()], { deaths: [death('2019-01-31')] }, { graceDays: 28 }),
    ).toHaveLength(1);
  });
});

describe('invalid-id-number', () => {
  it('flags the number as written, with the reason', () => {
    const bad = subject({
      idNumber: undefined,
      idNumberAsWritten: '53032519800101123',
      idNumberProblem: 'must be 18 characters',
    });
    const hits = run(invalidIdNumber, [bad, subject()]);
    expect(hits.map((hit) => hit.subject.id)).toEqual([bad.id]);
    expect(hits[0]?.explanation.en).toContain('"53032519800101123"');
  });
});

describe('duplicate-beneficiary', () => {
  it('flags every line of one ID number twice in a roster, naming the other', () => {
    const [a, b, c] = [
      subject(),
      subject(),
      subject({ idNumber: homonym, idNumberAsWritten: homonym }),
    ];
    const hits = run(duplicateBeneficiary, [a, b, c]);
    expect(hits.map((hit) => hit.subject.id)).toEqual([a.id, b.id]);
    expect(hits[0]?.related.map((ref) => ref.id)).toEqual([b.id]);
  });

  it('flags one person on rosters of two villages for one fund and period, not for another period', () => {
    const a = subject({ rosterId: 'ro-530325102-000000000001' });
    const b = subject({ rosterId: 'ro-530325102-000000000002', villageCode: '530325102202' });
    expect(run(duplicateBeneficiary, [a, b])).toHaveLength(2);
    const later = subject({
      rosterId: 'ro-530325102-000000000003',
      villageCode: '530325102202',
      period: '2020',
    });
    expect(run(duplicateBeneficiary, [a, later])).toEqual([]);
  });

  it('flags a person paid twice for one purpose and year', () => {
    const pay = (n: number) =>
      subject({ kind: 'payment', id: `payment:pool-x/t${n}`, rosterId: undefined, row: undefined });
    expect(run(duplicateBeneficiary, [pay(1), pay(2)])).toHaveLength(2);
    expect(run(duplicateBeneficiary, [pay(1), { ...pay(2), purpose: '产业发展' }])).toEqual([]);
  });
});

describe('shared-bank-account', () => {
  const onAccount = (people: number) =>
    Array.from({ length: people }, (_, i) => {
      const id = makeIdNumber('530325', '19800101', String(200 + i * 2));
      return subject({ idNumber: id, idNumberAsWritten: id, bankAccount: '6217000012345678' });
    });

  it('flags an account serving more than maxPeople people, not one at the limit', () => {
    expect(run(sharedBankAccount, onAccount(4))).toHaveLength(4);
    expect(run(sharedBankAccount, onAccount(3))).toEqual([]);
    expect(run(sharedBankAccount, onAccount(3), {}, { maxPeople: 2 })).toHaveLength(3);
    expect(
      run(sharedBankAccount, onAccount(5), {}, { custodialAccounts: ['6217000012345678'] }),
    ).toEqual([]);
  });

  it('flags an account of one line when maxPeople is 0, and names the account', () => {
    const hits = run(sharedBankAccount, onAccount(1), {}, { maxPeople: 0 });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.explanation.en).toContain('Bank account 6217000012345678 ');
    expect(run(sharedBankAccount, onAccount(2), {}, { maxPeople: 1.5 })).toHaveLength(2);
  });
});

describe('over-cap', () => {
  it('sums one person’s lines for one purpose and period against the cap in fen', () => {
    const lines = [subject({ amountFen: '2000000' }), subject({ amountFen: '2000000' })];
    expect(run(overCap, lines)).toEqual([]);
    expect(run(overCap, lines, {}, { capsFen: { 危房改造: '4000000' } })).toEqual([]);
    const hits = run(overCap, lines, {}, { capsFen: { 危房改造: '3500000' } });
    expect(hits).toHaveLength(2);
    expect(hits[0]?.explanation.zh).toContain('40000.00');
  });

  it('flags one line alone over the cap', () => {
    const line = subject({ amountFen: '4000000' });
    const hits = run(overCap, [line], {}, { capsFen: { 危房改造: '3500000' } });
    expect(hits.map((hit) => [hit.subject.id, hit.related])).toEqual([[line.id, []]]);
  });
});

/*
 * Payments to persons made directly from a pool are subjects beside the roster lines: the rules
 * about a beneficiary read them as they read a line (a payment's reference date is the day it
 * was requested). A payment made from a roster line is no subject of its own (the check reads
 * it as its line), so these tests hold the line alone for it.
 */
describe('payments to persons', () => {
  const pool = 'pool-fy-2019-wg.530325102';
  let paymentCount = 0;
  function payment(overrides: Partial<CheckSubject> = {}): CheckSubject {
    paymentCount += 1;
    return subject({
      id: `payment:${pool}/d-${paymentCount}`,
      kind: 'payment',
      villageCode: '530325102',
      purpose: '危房改造补助',
      fundCategory: '危房改造',
      period: '2019',
      referenceDate: '2019-05-10',
      listedOn: '2019-05-10',
      event: { eventId: `p-${paymentCount}`, position: `9${paymentCount}`, streamName: pool },
      rosterId: undefined,
      row: undefined,
      ...overrides,
    });
  }
  const died = (day: string): RegistryRow => ({
    kind: 'deaths',
    source: source(1),
    idNumber: applicant,
    name: '张三',
    died: day,
  });

  it('deceased: flags a payment requested after the death, not one requested on its day', () => {
    // Given a death recorded on 2019-04-01
    const deaths = [died('2019-04-01')];
    // When a payment is requested on 2019-05-10, and another on 2019-04-01
    const after = payment();
    const sameDay = payment({ referenceDate: '2019-04-01', listedOn: '2019-04-01' });
    const hits = run(deceased, [after, sameDay], { deaths });
    // Then the later payment alone is a lead, naming the death's row
    expect(hits.map((hit) => hit.subject.id)).toEqual([after.id]);
    expect(hits[0]?.subject.event).toEqual(after.event);
    expect(hits[0]?.registryRows).toEqual(deaths);
    expect(hits[0]?.explanation.en).toContain('before 2019-05-10');
  });

  it('duplicate-beneficiary: flags two direct payments of one purpose category and year, not of two years', () => {
    // Given two direct payments to one person for 危房改造 in 2019 (their own texts differ)
    const first = payment();
    const second = payment({ purpose: '危房改造（加固）', fundId: 'fy-2019-wg-2' });
    // When the duplicate rule runs over them
    const hits = run(duplicateBeneficiary, [first, second]);
    // Then both are leads, each naming the other
    expect(hits.map((hit) => hit.subject.id)).toEqual([first.id, second.id]);
    expect(hits[0]?.related.map((ref) => ref.id)).toEqual([second.id]);
    expect(hits[0]?.explanation.en).toBe(
      `${applicant} was paid 2 times for "危房改造" in 2019 (2 direct payments).`,
    );
    // And a payment of 2020 beside one of 2019 is none
    expect(run(duplicateBeneficiary, [first, payment({ period: '2020' })])).toEqual([]);
  });

  it('duplicate-beneficiary: a roster line and a direct payment of one purpose and year are paid twice', () => {
    // Given a line of a 2019 危房改造 roster (its period free text) and a direct payment
    const line = subject({ period: '2019年', fundCategory: '危房改造', purpose: '危房改造' });
    const direct = payment({ fundId: 'fy-2019-wg-2' });
    // When the duplicate rule runs over both
    const hits = run(duplicateBeneficiary, [line, direct]);
    // Then the line and the payment are leads, each naming the other
    expect(hits.map((hit) => [hit.subject.id, hit.related.map((ref) => ref.id)])).toEqual([
      [line.id, [direct.id]],
      [direct.id, [line.id]],
    ]);
    expect(hits[0]?.explanation.zh).toContain('被支付2次（直接支付1次，花名册1次）');
  });

  it('duplicate-beneficiary: roster lines alone are judged as before, and each subject is one lead', () => {
    // Given two lines of one person on rosters of two funds of one category and year: stacking
    const a = subject({ fundCategory: '危房改造', rosterId: 'ro-530325102-000000000001' });
    const b = subject({
      fundCategory: '危房改造',
      rosterId: 'ro-530325102-000000000002',
      fundId: 'fy-2019-wg-2',
    });
    // Then with no payment among them, nothing
    expect(run(duplicateBeneficiary, [a, b])).toEqual([]);
    // Given a line listed twice in its roster, and the person also paid directly
    const twice = subject({ fundCategory: '危房改造', rosterId: 'ro-530325102-000000000003' });
    const again = subject({ fundCategory: '危房改造', rosterId: 'ro-530325102-000000000003' });
    const direct = payment();
    // When the rule runs
    const hits = run(duplicateBeneficiary, [twice, again, direct]);
    // Then each subject is one lead: the lines as a duplicate in their roster, the payment as paid three times
    expect(hits.map((hit) => hit.subject.id)).toEqual([twice.id, again.id, direct.id]);
    expect(hits[0]?.explanation.en).toContain('appears 2 times in roster');
    expect(hits[2]?.explanation.en).toContain('was paid 3 times');
  });

  it('shared-bank-account: counts the people of an account across lines and payments, a person once', () => {
    const account = '6217000012345678';
    const person = (n: number) => makeIdNumber('530325', '19800101', String(300 + n * 2));
    // Given three lines of three people on one account
    const lines = [1, 2, 3].map((n) =>
      subject({ idNumber: person(n), idNumberAsWritten: person(n), bankAccount: account }),
    );
    // When a fourth person is paid directly into it
    const direct = payment({
      idNumber: person(4),
      idNumberAsWritten: person(4),
      bankAccount: account,
    });
    const hits = run(sharedBankAccount, [...lines, direct]);
    // Then all four are leads, the payment naming the lines
    expect(hits.map((hit) => hit.subject.id)).toEqual([...lines, direct].map((s) => s.id));
    expect(hits[3]?.related.map((ref) => ref.id)).toEqual(lines.map((line) => line.id));
    expect(hits[0]?.explanation.en).toContain('4 people');
    // And a payment to one of the three is no fourth person
    const toLined = payment({
      idNumber: person(1),
      idNumberAsWritten: person(1),
      bankAccount: account,
    });
    expect(run(sharedBankAccount, [...lines, toLined])).toEqual([]);
  });

  it('a roster line paid through the pool is one subject, flagged once by each person rule', () => {
    // Given a deceased person's roster line, whose payment the check reads as the line
    const line = subject({ referenceDate: '2019-05-10' });
    const registries = { deaths: [died('2019-04-01')] };
    // When the person rules run over the line alone
    const hits = ruleCatalogue.flatMap((rule) => run(rule, [line], registries));
    // Then one lead, on the line
    expect(hits.map((hit) => [hit.ruleId, hit.subject.id])).toEqual([['deceased', line.id]]);
  });

  it('invalid-id-number: flags a payment that records no ID number', () => {
    const unnamed = payment({
      idNumber: undefined,
      idNumberAsWritten: '',
      idNumberProblem: 'no ID number was recorded',
    });
    const hits = run(invalidIdNumber, [unnamed, payment()]);
    expect(hits.map((hit) => hit.subject.id)).toEqual([unnamed.id]);
    expect(hits[0]?.explanation.en).toContain('no ID number was recorded');
  });
});
