// Proves the household decider's rules on data: registration and its repeats, the limits on poverty causes, member rules (ID number check, sex and birth date agreeing with it, one head, repeats and conflicts), removals, income records and their corrections, and that member changes claim and release the person's ID number.
import { makeIdNumber } from '@sunlight/geo';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  CorrectedRecordMismatchError,
  HouseholdAlreadyRegisteredError,
  HouseholdNotFoundError,
  IncomeRecordConflictError,
  InvalidHouseholdCommandError,
  MemberConflictError,
  MemberNotFoundError,
  SecondHeadError,
} from './households.errors';
import {
  householdDecider,
  householdEventClaims,
  incomeSummary,
  type AddMember,
  type HouseholdEvent,
  type RegisterHousehold,
} from './household';

const { given } = deciderSpec(householdDecider);
const householdId = 'hh-530325102001-7';
const context = {
  householdId,
  actor: { id: 'clerk-1', role: 'village_staff', division: '530325102' },
  occurredAt: '2026-03-01T02:00:00Z',
};
const register: RegisterHousehold = {
  ...context,
  type: 'RegisterHousehold',
  villageCode: '530325102001',
  villageGroupCode: '530325102001-3',
  headName: '阿呷·木乃',
  address: '营上镇营上村第三村民小组12号',
  identificationStandard: '国家',
  attribute: '一般贫困户',
  mainCause: '因病',
  otherCauses: ['缺技术', '缺资金'],
  bankName: '富源县农村信用合作联社',
  bankAccount: '6217000012345678',
  phone: '13800000000',
  identifiedYear: 2016,
  villageExists: true,
  villageGroupExists: true,
};
const {
  type: _t,
  villageExists: _v,
  villageGroupExists: _g,
  actor: _a,
  occurredAt: _o,
  ...registeredData
} = register;
const registered: HouseholdEvent = { type: 'HouseholdRegistered', data: registeredData };

const headId = makeIdNumber('530325', '19800215', '031'); // odd sequence: 男
const wifeId = makeIdNumber('530325', '19820704', '042'); // even sequence: 女
const addHead: AddMember = {
  ...context,
  type: 'AddMember',
  idNumber: headId,
  name: '阿呷·木乃',
  relation: '户主',
  sex: '男',
  birthDate: '1980-02-15',
  health: '健康',
  schooling: '初中',
  labour: '普通劳动力',
};
const memberData = (command: AddMember) => {
  const { type: _type, actor: _actor, occurredAt: _at, ...data } = command;
  return data;
};
const headAdded: HouseholdEvent = { type: 'MemberAdded', data: memberData(addHead) };
const addWife: AddMember = {
  ...addHead,
  idNumber: wifeId,
  name: '吉克·阿依',
  relation: '配偶',
  sex: '女',
  birthDate: '1982-07-04',
};

describe('household decider', () => {
  describe('registration', () => {
    it('given nothing, when registered, then HouseholdRegistered with the facts', () => {
      given([]).when(register).then([registered]);
    });

    it('given the same registration, when repeated, then nothing new', () => {
      given([registered]).when(register).then([]);
    });

    it('given a registration, when the id is registered with other facts, then 409', () => {
      given([registered])
        .when({ ...register, headName: '张三' })
        .thenThrows(HouseholdAlreadyRegisteredError, { householdId });
    });

    it.each([
      ['three other causes', { otherCauses: ['缺技术', '缺资金', '缺水'] }, 'otherCauses'],
      ['an other cause repeating the main one', { otherCauses: ['因病'] }, 'otherCauses'],
      ['an unknown main cause', { mainCause: '懒' }, 'mainCause'],
      ['an unknown other cause', { otherCauses: ['懒'] }, 'otherCauses[0]'],
      ['an unknown attribute', { attribute: '五保户' }, 'attribute'],
      ['an unknown standard', { identificationStandard: '县定' }, 'identificationStandard'],
      ['an unknown village', { villageExists: false }, 'villageCode'],
      ['a group of another village', { villageGroupCode: '530325102002-3' }, 'villageGroupCode'],
      ['an unregistered group', { villageGroupExists: false }, 'villageGroupCode'],
      ['an id of another village', { villageCode: '530325102002' }, 'householdId'],
      ['a future identification year', { identifiedYear: 2027 }, 'identifiedYear'],
      ['a malformed bank account', { bankAccount: '6217-0000' }, 'bankAccount'],
      ['a blank head', { headName: ' \u200b ' }, 'headName'],
    ])(
      'given nothing, when registering with %s, then 422 naming the field',
      (_what, change, field) => {
        given([])
          .when({ ...register, ...change } as RegisterHousehold)
          .thenThrows(InvalidHouseholdCommandError, { field });
      },
    );

    it('given nothing, when a member is added, then the household is not found', () => {
      given([]).when(addHead).thenThrows(HouseholdNotFoundError);
    });
  });

  describe('members', () => {
    it('given a household, when the head is added, then MemberAdded claiming the ID number', () => {
      given([registered]).when(addHead).then([headAdded]);
      expect(householdEventClaims(headAdded as never)).toEqual({ claims: [`person:${headId}`] });
    });

    it('given the member, when added again alike, then nothing new; with other details, 409', () => {
      given([registered, headAdded]).when(addHead).then([]);
      given([registered, headAdded])
        .when({ ...addHead, health: '残疾' })
        .thenThrows(MemberConflictError);
    });

    it('given a head, when another member is added as head, then 409', () => {
      given([registered, headAdded])
        .when({ ...addWife, relation: '户主' })
        .thenThrows(SecondHeadError);
    });

    it.each([
      ['a sex the ID number contradicts', { sex: '女' }, 'sex'],
      ['a birth date the ID number contradicts', { birthDate: '1980-02-16' }, 'birthDate'],
      [
        'a wrong check digit',
        { idNumber: `${headId.slice(0, 17)}${headId.endsWith('0') ? '1' : '0'}` },
        'idNumber',
      ],
      ['a legacy 15-digit number', { idNumber: '530325800215031' }, 'idNumber'],
      [
        'a birth date after today',
        { idNumber: makeIdNumber('530325', '20260302', '031'), birthDate: '2026-03-02' },
        'idNumber',
      ],
      ['an unknown relation', { relation: '朋友' }, 'relation'],
      ['an unknown labour status', { labour: '很能干' }, 'labour'],
    ])(
      'given a household, when adding a member with %s, then 422 naming the field',
      (_what, change, field) => {
        given([registered])
          .when({ ...addHead, ...change } as AddMember)
          .thenThrows(InvalidHouseholdCommandError, { field });
      },
    );

    it('given a member, when removed, then MemberRemoved releasing the ID number; repeated, nothing new', () => {
      const removal = {
        ...context,
        type: 'RemoveMember',
        idNumber: wifeId,
        reason: '婚出',
        date: '2026-02-01',
      } as const;
      const removed: HouseholdEvent = {
        type: 'MemberRemoved',
        data: {
          householdId,
          idNumber: wifeId,
          name: '吉克·阿依',
          reason: '婚出',
          date: '2026-02-01',
        },
      };
      const wifeAdded: HouseholdEvent = { type: 'MemberAdded', data: memberData(addWife) };
      const state = given([registered, headAdded, wifeAdded]).when(removal).then([removed]);
      expect([...state.members.keys()]).toEqual([headId]);
      expect(householdEventClaims(removed as never)).toEqual({ releases: [`person:${wifeId}`] });
      given([registered, headAdded, wifeAdded, removed]).when(removal).then([]);
      given([registered, headAdded, wifeAdded, removed])
        .when({ ...removal, reason: '死亡' })
        .thenThrows(MemberNotFoundError);
      given([registered, headAdded, wifeAdded])
        .when({ ...removal, date: '2026-03-02' })
        .thenThrows(InvalidHouseholdCommandError, { field: 'date' });
    });
  });

  describe('registration with its members (one command, one append)', () => {
    const details = (command: AddMember) => {
      const { type: _type, actor: _actor, occurredAt: _at, householdId: _id, ...member } = command;
      return member;
    };
    const withMembers: RegisterHousehold = {
      ...register,
      members: [details(addHead), details(addWife)],
    };
    const wifeAdded: HouseholdEvent = { type: 'MemberAdded', data: memberData(addWife) };

    it('given nothing, when registered with members, then HouseholdRegistered and a MemberAdded per member, in order', () => {
      const state = given([]).when(withMembers).then([registered, headAdded, wifeAdded]);
      expect([...state.members.keys()]).toEqual([headId, wifeId]);
    });

    it('given the registration and its members, when repeated, then nothing new', () => {
      given([registered, headAdded, wifeAdded]).when(withMembers).then([]);
    });

    it('given the registration and the head, when repeated, then only the missing member', () => {
      given([registered, headAdded]).when(withMembers).then([wifeAdded]);
    });

    it('given nothing, when a member is refused, then nothing is decided and the field names the member', () => {
      given([])
        .when({ ...withMembers, members: [details(addHead), { ...details(addWife), sex: '男' }] })
        .thenThrows(InvalidHouseholdCommandError, { field: 'members[1].sex' });
      given([])
        .when({
          ...withMembers,
          members: [details(addHead), { ...details(addWife), relation: '户主' }],
        })
        .thenThrows(SecondHeadError);
      given([])
        .when({
          ...withMembers,
          members: [details(addHead), { ...details(addHead), health: '残疾' }],
        })
        .thenThrows(MemberConflictError);
      given([])
        .when({ ...withMembers, members: 'everyone' as never })
        .thenThrows(InvalidHouseholdCommandError, { field: 'members' });
    });

    it('given a registration with other facts, when registered again with members, then 409', () => {
      given([registered])
        .when({ ...withMembers, headName: '张三' })
        .thenThrows(HouseholdAlreadyRegisteredError, { householdId });
    });
  });

  describe('income', () => {
    const wage = {
      ...context,
      type: 'RecordIncome',
      recordId: 'w1',
      year: 2025,
      incomeType: '工资性',
      amountFen: 1_200_000n,
    } as const;
    const wageRecorded: HouseholdEvent = {
      type: 'IncomeRecorded',
      data: { householdId, recordId: 'w1', year: 2025, incomeType: '工资性', amountFen: '1200000' },
    };

    it('given a household, when income is recorded, then IncomeRecorded; repeated, nothing new; reused id, 409', () => {
      given([registered]).when(wage).then([wageRecorded]);
      given([registered, wageRecorded]).when(wage).then([]);
      given([registered, wageRecorded])
        .when({ ...wage, amountFen: 1n })
        .thenThrows(IncomeRecordConflictError);
    });

    it('given a record, when a correction names it, then only the correction counts', () => {
      const state = given([registered, headAdded, wageRecorded])
        .when({ ...wage, recordId: 'w2', amountFen: 900_000n, correctsRecordId: 'w1' })
        .then([
          {
            type: 'IncomeRecorded',
            data: {
              householdId,
              recordId: 'w2',
              year: 2025,
              incomeType: '工资性',
              amountFen: '900000',
              correctsRecordId: 'w1',
            },
          },
        ]);
      expect(incomeSummary(state.incomes.values(), 2025, state.members.size).perCapitaNetFen).toBe(
        900_000n,
      );
    });

    it('given a corrected record, when corrected again, or a record of another type is corrected, then 422', () => {
      const corrected: HouseholdEvent = {
        type: 'IncomeRecorded',
        data: {
          householdId,
          recordId: 'w2',
          year: 2025,
          incomeType: '工资性',
          amountFen: '1',
          correctsRecordId: 'w1',
        },
      };
      given([registered, wageRecorded, corrected])
        .when({ ...wage, recordId: 'w3', correctsRecordId: 'w1' })
        .thenThrows(CorrectedRecordMismatchError);
      given([registered, wageRecorded])
        .when({ ...wage, recordId: 'w3', incomeType: '财产性', correctsRecordId: 'w1' })
        .thenThrows(CorrectedRecordMismatchError);
      given([registered])
        .when({ ...wage, recordId: 'w3', correctsRecordId: 'nope' })
        .thenThrows(CorrectedRecordMismatchError);
    });

    it.each([
      ['a negative amount', { amountFen: -1n }, 'amount'],
      ['a future year', { year: 2027 }, 'year'],
      ['an unknown type', { incomeType: '彩票' }, 'incomeType'],
    ])(
      'given a household, when recording %s, then 422 naming the field',
      (_what, change, field) => {
        given([registered])
          .when({ ...wage, ...change } as never)
          .thenThrows(InvalidHouseholdCommandError, { field });
      },
    );
  });

  describe('housing, helper, policies, industry', () => {
    it('records each once and treats an identical repeat as nothing new', () => {
      const housing = {
        ...context,
        type: 'AssessHousing',
        safety: 'C级危房',
        assessor: '李工',
        assessedOn: '2026-01-05',
      } as const;
      const assessed: HouseholdEvent = {
        type: 'HousingAssessed',
        data: { householdId, safety: 'C级危房', assessor: '李工', assessedOn: '2026-01-05' },
      };
      given([registered]).when(housing).then([assessed]);
      given([registered, assessed]).when(housing).then([]);
      const joined: HouseholdEvent = {
        type: 'IndustryProjectJoined',
        data: { householdId, projectId: 'prj-cattle', joinedOn: '2025-04-01' },
      };
      const join = {
        ...context,
        type: 'JoinIndustryProject',
        projectId: 'prj-cattle',
        joinedOn: '2025-04-01',
      } as const;
      const state = given([registered, assessed]).when(join).then([joined]);
      expect(state.industryProjects.get('prj-cattle')).toBe('2025-04-01');
      given([registered, joined]).when(join).then([]);
      given([registered])
        .when({
          ...context,
          type: 'AssignHelper',
          name: '王芳',
          unit: '富源县财政局',
          phone: '123',
        })
        .thenThrows(InvalidHouseholdCommandError, { field: 'phone' });
    });
  });
});
