// Proves exit evaluation and the exit procedure on data: each criterion of the Yunnan 2018 line just met and just missed (reported with what it required and what the household had), no criteria means no evaluation, the five steps only in order and each only by a role at its level, a public notice of at least 7 days before the county approves, and a return to poverty only after an exit.
import { makeIdNumber } from '@sunlight/geo';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  ExitNotAllowedError,
  ExitStepOutOfOrderError,
  householdDecider,
  NoExitCriteriaError,
  type HouseholdCommand,
  type HouseholdEvent,
} from './household';
import type { ExitCriteria } from './exit-criteria';
import { InvalidHouseholdCommandError } from './households.errors';

const { given } = deciderSpec(householdDecider);
const householdId = 'hh-530325102202-1';
const villageClerk = { id: 'v1', role: 'village_staff', division: '530325102202' };
const townshipClerk = { id: 't1', role: 'village_staff', division: '530325102' };
const countyFinance = { id: 'c1', role: 'finance', division: '530325' };
const at = (actor: { id: string; role: string; division: string }) => ({
  householdId,
  actor,
  occurredAt: '2019-01-10T02:00:00Z',
});

const yunnan2018: ExitCriteria = {
  version: 'yn-2018',
  province: '53',
  years: [2018],
  perCapitaNetIncomeAboveYuan: '3500.00',
  industryIncomeSourcesMin: 1,
  safeHousingGrades: ['安全'],
  compulsoryEducation: true,
  basicMedical: true,
};

const member = (idNumber: string, relation: string, schooling: string): HouseholdEvent => ({
  type: 'MemberAdded',
  data: {
    householdId,
    idNumber,
    name: '成员',
    relation: relation as never,
    sex: Number(idNumber[16]) % 2 === 1 ? '男' : '女',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    health: '健康',
    schooling: schooling as never,
    labour: '普通劳动力',
  },
});
const child = makeIdNumber('530325', '20080101', '051'); // 10 at the end of 2018
const income = (recordId: string, amountFen: string): HouseholdEvent => ({
  type: 'IncomeRecorded',
  data: { householdId, recordId, year: 2018, incomeType: '工资性', amountFen },
});
const baseline: HouseholdEvent[] = [
  {
    type: 'HouseholdRegistered',
    data: {
      householdId,
      villageCode: '530325102202',
      headName: '张三',
      address: '营上村',
      identificationStandard: '国家',
      attribute: '一般贫困户',
      mainCause: '因病',
      otherCauses: [],
      bankName: '信用社',
      bankAccount: '12345678',
      phone: '13800000000',
      identifiedYear: 2016,
    },
  },
  member(makeIdNumber('530325', '19800215', '031'), '户主', '初中'),
  member(child, '之子', '在校生'),
  {
    type: 'HousingAssessed',
    data: { householdId, safety: '安全', assessor: '李工', assessedOn: '2018-06-01' },
  },
  {
    type: 'IndustryProjectJoined',
    data: { householdId, projectId: 'prj-cattle', joinedOn: '2018-04-01' },
  },
  { type: 'PolicyEnjoyed', data: { householdId, policy: '医疗', year: 2018 } },
];
// Two members: 700,002 fen is 3,500.01 yuan each, just above the line; 700,000 is exactly on it.
const justAbove = [...baseline, income('w', '700002')];
const evaluate: HouseholdCommand = {
  ...at(villageClerk),
  type: 'EvaluateExit',
  evaluationId: 'e1',
  year: 2018,
  criteria: yunnan2018,
};
const evaluated = (met: boolean, failed: object[] = [], perCapita = '3500.01'): HouseholdEvent => ({
  type: 'ExitEvaluated',
  data: {
    householdId,
    evaluationId: 'e1',
    year: 2018,
    criteriaVersion: 'yn-2018',
    met,
    failed: failed as never,
    perCapitaNetIncome: perCapita,
  },
});

describe('exit evaluation', () => {
  it('meets every criterion just above the line', () => {
    given(justAbove)
      .when(evaluate)
      .then([evaluated(true)]);
  });

  it.each([
    [
      'income exactly on the line',
      [...baseline, income('w', '700000')],
      { criterion: 'perCapitaNetIncome', required: 'above 3500.00', actual: '3500.00' },
      '3500.00',
    ],
    [
      'no industry project',
      [...justAbove.filter((e) => e.type !== 'IndustryProjectJoined')],
      { criterion: 'industryIncomeSources', required: 'at least 1', actual: '0' },
      '3500.01',
    ],
    [
      'a project joined after the year',
      [
        ...justAbove,
        {
          type: 'IndustryProjectJoined',
          data: { householdId, projectId: 'late', joinedOn: '2019-01-02' },
        } as HouseholdEvent,
      ].filter((e) => !(e.type === 'IndustryProjectJoined' && e.data.projectId === 'prj-cattle')),
      { criterion: 'industryIncomeSources', required: 'at least 1', actual: '0' },
      '3500.01',
    ],
    [
      'a C-grade dangerous house',
      [
        ...justAbove,
        {
          type: 'HousingAssessed',
          data: { householdId, safety: 'C级危房', assessor: '李工', assessedOn: '2018-12-01' },
        } as HouseholdEvent,
      ],
      { criterion: 'housingSafety', required: '安全', actual: 'C级危房' },
      '3500.01',
    ],
    [
      'a child of school age out of school',
      justAbove.map((e) =>
        e.type === 'MemberAdded' && e.data.idNumber === child ? member(child, '之子', '小学') : e,
      ),
      { criterion: 'compulsoryEducation', actual: '1 of 1 not in school' },
      '3500.01',
    ],
    [
      'no 医疗 policy that year',
      justAbove.filter((e) => e.type !== 'PolicyEnjoyed'),
      { criterion: 'basicMedical', actual: 'none recorded' },
      '3500.01',
    ],
  ])('fails with %s, naming the criterion', (_what, events, failure, perCapita) => {
    const { then } = given(events as HouseholdEvent[]).when(evaluate);
    const state = then([evaluated(false, [expect.objectContaining(failure)], perCapita)]);
    expect(state.evaluations.get('e1')?.met).toBe(false);
  });

  it('refuses a year without criteria for the province', () => {
    given(justAbove)
      .when({ ...evaluate, criteria: undefined } as HouseholdCommand)
      .thenThrows(NoExitCriteriaError, { field: 'year' });
  });
});

describe('exit procedure and return to poverty', () => {
  const step = (
    actor: { id: string; role: string; division: string },
    stepName: string,
    date: string,
    extra: object = {},
  ): HouseholdCommand =>
    ({ ...at(actor), type: 'RecordExitStep', step: stepName, date, ...extra }) as never;
  const applied: HouseholdEvent = {
    type: 'ExitApplied',
    data: { householdId, year: 2018, evaluationId: 'e1', date: '2018-10-01' },
  };
  const village: HouseholdEvent = {
    type: 'ExitVillageReviewed',
    data: { householdId, year: 2018, date: '2018-10-05' },
  };
  const township: HouseholdEvent = {
    type: 'ExitTownshipReviewed',
    data: { householdId, year: 2018, date: '2018-10-10' },
  };
  const notice: HouseholdEvent = {
    type: 'ExitNoticePublished',
    data: { householdId, year: 2018, date: '2018-10-11', endDate: '2018-10-18' },
  };
  const approved: HouseholdEvent = {
    type: 'ExitApproved',
    data: { householdId, year: 2018, date: '2018-10-20' },
  };
  const history = [...justAbove, evaluated(true)];

  it('runs the five steps in order, each by its level, and the household exits', () => {
    given(history)
      .when(step(villageClerk, '申请', '2018-10-01', { evaluationId: 'e1' }))
      .then([applied]);
    given([...history, applied])
      .when(step(villageClerk, '村评议', '2018-10-05'))
      .then([village]);
    given([...history, applied, village])
      .when(step(townshipClerk, '乡镇审核', '2018-10-10'))
      .then([township]);
    given([...history, applied, village, township])
      .when(step(townshipClerk, '公示', '2018-10-11', { endDate: '2018-10-18' }))
      .then([notice]);
    const state = given([...history, applied, village, township, notice])
      .when(step(countyFinance, '县审批', '2018-10-20'))
      .then([approved]);
    expect(state.status).toBe('exited');
    given([...history, applied, village])
      .when(step(villageClerk, '村评议', '2018-10-05'))
      .then([]);
  });

  it('refuses a step out of order with 409, and a step at the wrong level with 403', () => {
    given(history)
      .when(step(villageClerk, '村评议', '2018-10-05'))
      .thenThrows(ExitStepOutOfOrderError);
    given([...history, applied, village])
      .when(step(countyFinance, '县审批', '2018-10-20'))
      .thenThrows(ExitStepOutOfOrderError);
    given([...history, applied, village])
      .when(step(villageClerk, '乡镇审核', '2018-10-10'))
      .thenThrows(ExitNotAllowedError);
    given([...history, applied, village, township, notice])
      .when(step(townshipClerk, '县审批', '2018-10-20'))
      .thenThrows(ExitNotAllowedError);
    given([...justAbove, evaluated(false, [])])
      .when(step(villageClerk, '申请', '2018-10-01', { evaluationId: 'e1' }))
      .thenThrows(ExitStepOutOfOrderError);
  });

  it('wants a notice of at least 7 days and the approval after it ends', () => {
    given([...history, applied, village, township])
      .when(step(townshipClerk, '公示', '2018-10-11', { endDate: '2018-10-17' }))
      .thenThrows(InvalidHouseholdCommandError, { field: 'endDate' });
    given([...history, applied, village, township, notice])
      .when(step(countyFinance, '县审批', '2018-10-18'))
      .thenThrows(InvalidHouseholdCommandError, { field: 'date' });
  });

  it('re-opens an exited household on a return to poverty, and refuses one that has not exited', () => {
    const exited = [...history, applied, village, township, notice, approved];
    const back = {
      ...at(villageClerk),
      type: 'ReturnToPoverty',
      cause: '因灾',
      date: '2018-12-01',
    } as HouseholdCommand;
    const state = given(exited)
      .when(back)
      .then([
        { type: 'ReturnedToPoverty', data: { householdId, cause: '因灾', date: '2018-12-01' } },
      ]);
    expect(state.status).toBe('returned');
    given(history).when(back).thenThrows(ExitStepOutOfOrderError);
  });
});
