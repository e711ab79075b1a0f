// Proves 防止返贫动态监测 on data: a household is identified as monitored with a type, risk types and measures (each list non-empty, from its vocabulary, none repeated), once at a time, a 脱贫不稳定户 only after an exit; 风险消除 only on an open monitoring, no earlier than the months the rules in force require (a day before is refused, the day itself accepted), naming the rules version, and never without rules; repeats write nothing.
import { makeIdNumber } from '@sunlight/geo';
import { deciderSpec } from '@sunlight/kernel/testing';
import {
  householdDecider,
  MonitoringConflictError,
  NoMonitoringRulesError,
  type HouseholdCommand,
  type HouseholdEvent,
} from './household';
import { addMonths, parseMonitoringRules, type MonitoringRules } from './monitoring-lines';
import { InvalidHouseholdCommandError } from './households.errors';

const { given } = deciderSpec(householdDecider);
const householdId = 'hh-530325102202-1';
const villageClerk = { id: 'v1', role: 'village_staff', division: '530325102202' };
const at = { householdId, actor: villageClerk, occurredAt: '2024-06-10T02:00:00Z' };

const rules2023: MonitoringRules = {
  version: 'yn-monitoring-2023',
  province: '53',
  years: [2023],
  incomeLineYuan: '6900.00',
  riskEliminationMonthsMin: 6,
};

const registered: HouseholdEvent[] = [
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
  {
    type: 'MemberAdded',
    data: {
      householdId,
      idNumber: makeIdNumber('530325', '19800215', '031'),
      name: '张三',
      relation: '户主',
      sex: '男',
      birthDate: '1980-02-15',
      health: '健康',
      schooling: '初中',
      labour: '普通劳动力',
    },
  },
];
const step = (type: string, date: string, extra: object = {}): HouseholdEvent =>
  ({ type, data: { householdId, year: 2019, date, ...extra } }) as HouseholdEvent;
const exited: HouseholdEvent[] = [
  ...registered,
  {
    type: 'ExitEvaluated',
    data: {
      householdId,
      evaluationId: 'e1',
      year: 2019,
      criteriaVersion: 'yn-2018',
      met: true,
      failed: [],
      perCapitaNetIncome: '4000.00',
    },
  },
  step('ExitApplied', '2019-10-01', { evaluationId: 'e1' }),
  step('ExitVillageReviewed', '2019-10-05'),
  step('ExitTownshipReviewed', '2019-10-10'),
  step('ExitNoticePublished', '2019-10-11', { endDate: '2019-10-18' }),
  step('ExitApproved', '2019-10-20'),
];

const start = (overrides: Partial<Record<string, unknown>> = {}): HouseholdCommand =>
  ({
    ...at,
    type: 'StartMonitoring',
    monitoringId: 'm1',
    monitoringType: '脱贫不稳定户',
    riskTypes: ['因病', '因务工就业不稳'],
    measures: ['健康帮扶', '就业帮扶'],
    identifiedOn: '2023-03-01',
    ...overrides,
  }) as HouseholdCommand;
const started = (overrides: Partial<Record<string, unknown>> = {}): HouseholdEvent =>
  ({
    type: 'MonitoringStarted',
    data: {
      householdId,
      monitoringId: 'm1',
      monitoringType: '脱贫不稳定户',
      riskTypes: ['因病', '因务工就业不稳'],
      measures: ['健康帮扶', '就业帮扶'],
      identifiedOn: '2023-03-01',
      ...overrides,
    },
  }) as HouseholdEvent;
const eliminate = (eliminatedOn: string, rules: MonitoringRules | undefined = rules2023) =>
  ({
    ...at,
    type: 'EliminateRisk',
    monitoringId: 'm1',
    eliminatedOn,
    rules,
  }) as HouseholdCommand;
const eliminated = (eliminatedOn: string): HouseholdEvent => ({
  type: 'RiskEliminated',
  data: {
    householdId,
    monitoringId: 'm1',
    monitoringType: '脱贫不稳定户',
    eliminatedOn,
    rulesVersion: 'yn-monitoring-2023',
  },
});

describe('monitoring (防止返贫动态监测)', () => {
  it('identifies an exited household as 脱贫不稳定户 with its risks and measures', () => {
    given(exited).when(start()).then([started()]);
  });

  it('identifies any registered household as 边缘易致贫户 or 突发严重困难户', () => {
    given(registered)
      .when(start({ monitoringType: '突发严重困难户', riskTypes: ['因意外事故'] }))
      .then([started({ monitoringType: '突发严重困难户', riskTypes: ['因意外事故'] })]);
    given(registered)
      .when(start({ monitoringType: '边缘易致贫户' }))
      .then([started({ monitoringType: '边缘易致贫户' })]);
  });

  it('refuses a 脱贫不稳定户 that has not exited', () => {
    given(registered)
      .when(start())
      .thenThrows(MonitoringConflictError, { field: 'monitoringType' });
  });

  it.each([
    ['an unknown type', { monitoringType: '一般农户' }, 'monitoringType'],
    ['no risk types', { riskTypes: [] }, 'riskTypes'],
    ['an unknown risk type', { riskTypes: ['缺资金'] }, 'riskTypes[0]'],
    ['a repeated risk type', { riskTypes: ['因病', '因病'] }, 'riskTypes'],
    ['no measures', { measures: [] }, 'measures'],
    ['an unknown measure', { measures: ['发红包'] }, 'measures[0]'],
    ['a future day', { identifiedOn: '2024-06-11' }, 'identifiedOn'],
    ['a bad id', { monitoringId: ' m' }, 'monitoringId'],
  ])('refuses %s', (_name, overrides, field) => {
    given(exited).when(start(overrides)).thenThrows(InvalidHouseholdCommandError, { field });
  });

  it('is open once at a time; the same request again writes nothing, other content is a 409', () => {
    given([...exited, started()])
      .when(start())
      .then([]);
    given([...exited, started()])
      .when(start({ measures: ['综合保障'] }))
      .thenThrows(MonitoringConflictError);
    given([...exited, started()])
      .when(start({ monitoringId: 'm2' }))
      .thenThrows(MonitoringConflictError);
  });

  it('eliminates the risk on the day the required months have passed, not a day before', () => {
    expect(addMonths('2023-03-01', 6)).toBe('2023-09-01');
    given([...exited, started()])
      .when(eliminate('2023-08-31'))
      .thenThrows(MonitoringConflictError, { field: 'eliminatedOn' });
    given([...exited, started()])
      .when(eliminate('2023-09-01'))
      .then([eliminated('2023-09-01')]);
  });

  it('needs rules in force for the year, an open monitoring, and repeats write nothing', () => {
    given([...exited, started()])
      .when({ ...eliminate('2023-09-01'), rules: undefined } as HouseholdCommand)
      .thenThrows(NoMonitoringRulesError, { field: 'eliminatedOn' });
    given(exited).when(eliminate('2023-09-01')).thenThrows(MonitoringConflictError);
    given([...exited, started(), eliminated('2023-09-01')])
      .when(eliminate('2023-09-01'))
      .then([]);
    given([...exited, started(), eliminated('2023-09-01')])
      .when(eliminate('2023-10-01'))
      .thenThrows(MonitoringConflictError);
  });

  it('may monitor again after the risk was eliminated', () => {
    given([...exited, started(), eliminated('2023-09-01')])
      .when(start({ monitoringId: 'm2', identifiedOn: '2024-01-05' }))
      .then([started({ monitoringId: 'm2', identifiedOn: '2024-01-05' })]);
  });
});

describe('monitoring lines as data', () => {
  it('reads the shipped file and refuses malformed entries naming them', () => {
    const entry = {
      version: 'v1',
      province: '53',
      years: [2023],
      incomeLineYuan: '6900.00',
      riskEliminationMonthsMin: 6,
    };
    expect(parseMonitoringRules({ lines: [entry] })).toEqual([entry]);
    expect(() => parseMonitoringRules({ lines: [{ ...entry, incomeLineYuan: '-1' }] })).toThrow(
      /lines\[0\]: incomeLineYuan/,
    );
    expect(() => parseMonitoringRules({ lines: [entry, { ...entry, version: 'v2' }] })).toThrow(
      /two entries for 2023/,
    );
    expect(() =>
      parseMonitoringRules({ lines: [{ ...entry, riskEliminationMonthsMin: 1.5 }] }),
    ).toThrow(/riskEliminationMonthsMin/);
  });

  it('adds months clamped to the last day of the month', () => {
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2023-12-15', 1)).toBe('2024-01-15');
  });
});
