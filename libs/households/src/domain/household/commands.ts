import type { CommandContext } from '@sunlight/kernel';
import type { ExitCriteria } from '../exit-criteria.types';
import type { MonitoringRules } from '../monitoring-lines';
import type {
  AssistanceMeasure,
  MonitoringRiskType,
  MonitoringType,
  ExitStep,
  HealthStatus,
  HouseholdAttribute,
  HousingSafety,
  IdentificationStandard,
  IncomeType,
  LabourStatus,
  MemberRemovalReason,
  PolicyKind,
  PovertyCause,
  RelationToHead,
  SchoolingLevel,
  Sex,
} from '../vocabulary';

/*
 * The commands on one household's stream. Every one names its household, carries the actor and
 * the business time (CommandContext), and is checked by `decide` as a backstop behind the HTTP
 * DTOs. Facts the pure decider cannot look up (does this village exist, does this group belong
 * to it) are looked up by the application and handed in.
 */

export interface HouseholdCommandBase extends CommandContext {
  readonly householdId: string;
}

export interface RegisterHousehold extends HouseholdCommandBase {
  readonly type: 'RegisterHousehold';
  readonly villageCode: string;
  readonly villageGroupCode?: string;
  readonly headName: string;
  readonly address: string;
  readonly identificationStandard: IdentificationStandard;
  readonly attribute: HouseholdAttribute;
  readonly mainCause: PovertyCause;
  readonly otherCauses: readonly PovertyCause[];
  readonly bankName: string;
  readonly bankAccount: string;
  readonly phone: string;
  readonly identifiedYear: number;
  /** Reference data the application looked up: the village is a known village (村). */
  readonly villageExists: boolean;
  /** The group, when given, is a registered group of that village. */
  readonly villageGroupExists: boolean;
  /**
   * Members added with the registration, in order: one command and one append (one
   * transaction) for a household and its members, still one `MemberAdded` per person, each
   * decided as `AddMember` would be. Any refused member refuses the whole registration.
   */
  readonly members?: readonly MemberDetails[];
}

export interface MemberDetails {
  readonly idNumber: string;
  readonly name: string;
  readonly relation: RelationToHead;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly health: HealthStatus;
  readonly schooling: SchoolingLevel;
  readonly labour: LabourStatus;
}

export interface AddMember extends HouseholdCommandBase, MemberDetails {
  readonly type: 'AddMember';
}

export interface RemoveMember extends HouseholdCommandBase {
  readonly type: 'RemoveMember';
  readonly idNumber: string;
  readonly reason: MemberRemovalReason;
  /** YYYY-MM-DD: when the member left (died, married out …), not after today. */
  readonly date: string;
}

export interface RecordIncome extends HouseholdCommandBase {
  readonly type: 'RecordIncome';
  /** Client-chosen, unique within the household: a repeat is recognised by it. */
  readonly recordId: string;
  readonly year: number;
  readonly incomeType: IncomeType;
  readonly amountFen: bigint;
  /** The record this one replaces (a correction); same year and type. */
  readonly correctsRecordId?: string;
}

export interface AssessHousing extends HouseholdCommandBase {
  readonly type: 'AssessHousing';
  readonly safety: HousingSafety;
  readonly assessor: string;
  readonly assessedOn: string;
}

export interface AssignHelper extends HouseholdCommandBase {
  readonly type: 'AssignHelper';
  readonly name: string;
  readonly unit: string;
  readonly phone: string;
}

export interface RecordPolicy extends HouseholdCommandBase {
  readonly type: 'RecordPolicy';
  readonly policy: PolicyKind;
  readonly year: number;
  readonly description?: string;
}

export interface JoinIndustryProject extends HouseholdCommandBase {
  readonly type: 'JoinIndustryProject';
  readonly projectId: string;
  readonly joinedOn: string;
}

export interface EvaluateExit extends HouseholdCommandBase {
  readonly type: 'EvaluateExit';
  /** Client-chosen, unique in the household: a repeat is recognised by it. */
  readonly evaluationId: string;
  readonly year: number;
  /** The criteria in force for the household's province and the year, found by the application. */
  readonly criteria: ExitCriteria | undefined;
}

export interface RecordExitStep extends HouseholdCommandBase {
  readonly type: 'RecordExitStep';
  readonly step: ExitStep;
  /** The day of the step; for 公示 its first day. */
  readonly date: string;
  /** 公示 only: its last day, at least `exitNoticeDaysMin` days after `date`. */
  readonly endDate?: string;
  /** 申请 only: the evaluation (met) the application rests on. */
  readonly evaluationId?: string;
  readonly note?: string;
}

export interface ReturnToPoverty extends HouseholdCommandBase {
  readonly type: 'ReturnToPoverty';
  readonly cause: PovertyCause;
  readonly date: string;
}

export interface StartMonitoring extends HouseholdCommandBase {
  readonly type: 'StartMonitoring';
  /** Client-chosen, unique in the household: a repeat is recognised by it. */
  readonly monitoringId: string;
  readonly monitoringType: MonitoringType;
  readonly riskTypes: readonly MonitoringRiskType[];
  readonly measures: readonly AssistanceMeasure[];
  /** The day the household was identified as monitored (纳入监测), not in the future. */
  readonly identifiedOn: string;
  readonly note?: string;
}

export interface EliminateRisk extends HouseholdCommandBase {
  readonly type: 'EliminateRisk';
  /** The open monitoring this closes. */
  readonly monitoringId: string;
  /** The day of 风险消除, not in the future. */
  readonly eliminatedOn: string;
  readonly note?: string;
  /** The monitoring rules in force for the province and the year of `eliminatedOn`. */
  readonly rules: MonitoringRules | undefined;
}

export type HouseholdCommand =
  | RegisterHousehold
  | AddMember
  | RemoveMember
  | RecordIncome
  | AssessHousing
  | AssignHelper
  | RecordPolicy
  | JoinIndustryProject
  | EvaluateExit
  | RecordExitStep
  | ReturnToPoverty
  | StartMonitoring
  | EliminateRisk;
