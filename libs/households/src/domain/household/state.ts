import type { ExitStep, HouseholdStatus, PovertyCause } from '../vocabulary';
import type { ExitEvaluated, MonitoringStarted, RiskEliminated } from './events';
import type {
  HouseholdRegistered,
  HousingAssessed,
  HelperAssigned,
  IncomeRecorded,
  MemberAdded,
  MemberRemoved,
  PolicyEnjoyed,
} from './events';

/*
 * A household as its decider needs it: the registration, the active members by ID number, the
 * last removal of each person who left (so a repeated removal is recognised), income records by
 * id, and the latest housing assessment, helper, policies and industry projects.
 */

export type Registration = Omit<HouseholdRegistered['data'], 'householdId'>;
export type Member = Omit<MemberAdded['data'], 'householdId'>;
export type Removal = Omit<MemberRemoved['data'], 'householdId'>;
export type IncomeRecord = Omit<IncomeRecorded['data'], 'householdId'>;
export type Housing = Omit<HousingAssessed['data'], 'householdId'>;
export type Helper = Omit<HelperAssigned['data'], 'householdId'>;
export type Policy = Omit<PolicyEnjoyed['data'], 'householdId'>;

export interface HouseholdState {
  readonly householdId: string | undefined;
  readonly registration: Registration | undefined;
  readonly members: ReadonlyMap<string, Member>;
  readonly removals: ReadonlyMap<string, Removal>;
  readonly incomes: ReadonlyMap<string, IncomeRecord>;
  readonly housing: Housing | undefined;
  readonly helper: Helper | undefined;
  readonly policies: readonly Policy[];
  /** Industry projects joined (产业项目), project id → the day joined. */
  readonly industryProjects: ReadonlyMap<string, string>;
  readonly status: HouseholdStatus;
  /** Exit evaluations by id. */
  readonly evaluations: ReadonlyMap<string, Evaluation>;
  /** The current exit procedure (open while `exiting`), or the last one completed. */
  readonly procedure: ExitProcedure | undefined;
  /** The day of the last exit approval, before which no return can be dated. */
  readonly exitedOn: string | undefined;
  readonly lastReturn: { readonly cause: PovertyCause; readonly date: string } | undefined;
  /** Every monitoring (防止返贫监测) by id, open or closed by 风险消除. */
  readonly monitorings: ReadonlyMap<string, Monitoring>;
  /** The id of the open monitoring, if any: a household is monitored once at a time. */
  readonly openMonitoringId: string | undefined;
}

export type Monitoring = Omit<MonitoringStarted['data'], 'householdId'> & {
  readonly elimination?: Omit<
    RiskEliminated['data'],
    'householdId' | 'monitoringId' | 'monitoringType'
  >;
};

export type Evaluation = Omit<ExitEvaluated['data'], 'householdId'>;

export interface ExitProcedure {
  readonly year: number;
  readonly evaluationId: string;
  /** The steps recorded so far, in order, with what each recorded. */
  readonly steps: readonly RecordedStep[];
}

export interface RecordedStep {
  readonly step: ExitStep;
  readonly date: string;
  readonly endDate?: string;
  readonly note?: string;
}

export function initialHouseholdState(): HouseholdState {
  return {
    householdId: undefined,
    registration: undefined,
    members: new Map(),
    removals: new Map(),
    incomes: new Map(),
    housing: undefined,
    helper: undefined,
    policies: [],
    industryProjects: new Map(),
    status: 'registered',
    evaluations: new Map(),
    procedure: undefined,
    exitedOn: undefined,
    lastReturn: undefined,
    monitorings: new Map(),
    openMonitoringId: undefined,
  };
}
