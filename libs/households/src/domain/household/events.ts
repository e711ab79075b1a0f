import type { DomainEvent } from '@sunlight/kernel';
import type {
  AssistanceMeasure,
  MonitoringRiskType,
  MonitoringType,
  ExitStep,
  HouseholdAttribute,
  HousingSafety,
  IdentificationStandard,
  IncomeType,
  MemberRemovalReason,
  PolicyKind,
  PovertyCause,
} from '../vocabulary';
import type { MemberDetails } from './commands';
import type { FailedCriterion } from '../exit-criteria.types';

/*
 * The events of a household (建档立卡户). Each names its household, so projections need not parse
 * stream names; amounts are digit strings of fen. Who recorded it and when is in the metadata.
 */

export interface HouseholdEventBase {
  readonly householdId: string;
}

export type HouseholdRegistered = DomainEvent<
  'HouseholdRegistered',
  HouseholdEventBase & {
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
  }
>;

export type MemberAdded = DomainEvent<'MemberAdded', HouseholdEventBase & MemberDetails>;

export type MemberRemoved = DomainEvent<
  'MemberRemoved',
  HouseholdEventBase & {
    readonly idNumber: string;
    readonly name: string;
    readonly reason: MemberRemovalReason;
    readonly date: string;
  }
>;

export type IncomeRecorded = DomainEvent<
  'IncomeRecorded',
  HouseholdEventBase & {
    readonly recordId: string;
    readonly year: number;
    readonly incomeType: IncomeType;
    readonly amountFen: string;
    readonly correctsRecordId?: string;
  }
>;

export type HousingAssessed = DomainEvent<
  'HousingAssessed',
  HouseholdEventBase & {
    readonly safety: HousingSafety;
    readonly assessor: string;
    readonly assessedOn: string;
  }
>;

export type HelperAssigned = DomainEvent<
  'HelperAssigned',
  HouseholdEventBase & { readonly name: string; readonly unit: string; readonly phone: string }
>;

export type PolicyEnjoyed = DomainEvent<
  'PolicyEnjoyed',
  HouseholdEventBase & {
    readonly policy: PolicyKind;
    readonly year: number;
    readonly description?: string;
  }
>;

export type IndustryProjectJoined = DomainEvent<
  'IndustryProjectJoined',
  HouseholdEventBase & { readonly projectId: string; readonly joinedOn: string }
>;

export type ExitEvaluated = DomainEvent<
  'ExitEvaluated',
  HouseholdEventBase & {
    readonly evaluationId: string;
    readonly year: number;
    readonly criteriaVersion: string;
    readonly met: boolean;
    readonly failed: readonly FailedCriterion[];
    readonly perCapitaNetIncome: string | null;
  }
>;

type StepData = HouseholdEventBase & {
  readonly year: number;
  readonly date: string;
  readonly note?: string;
};

export type ExitApplied = DomainEvent<'ExitApplied', StepData & { readonly evaluationId: string }>;
export type ExitVillageReviewed = DomainEvent<'ExitVillageReviewed', StepData>;
export type ExitTownshipReviewed = DomainEvent<'ExitTownshipReviewed', StepData>;
export type ExitNoticePublished = DomainEvent<
  'ExitNoticePublished',
  StepData & { readonly endDate: string }
>;
export type ExitApproved = DomainEvent<'ExitApproved', StepData>;

export type ExitStepEvent =
  ExitApplied | ExitVillageReviewed | ExitTownshipReviewed | ExitNoticePublished | ExitApproved;

export type ReturnedToPoverty = DomainEvent<
  'ReturnedToPoverty',
  HouseholdEventBase & { readonly cause: PovertyCause; readonly date: string }
>;

export const exitStepEventTypes: Readonly<Record<ExitStep, ExitStepEvent['type']>> = {
  申请: 'ExitApplied',
  村评议: 'ExitVillageReviewed',
  乡镇审核: 'ExitTownshipReviewed',
  公示: 'ExitNoticePublished',
  县审批: 'ExitApproved',
};

export type ExitEvent = ExitEvaluated | ExitStepEvent | ReturnedToPoverty;

export const exitEventTypes: readonly ExitEvent['type'][] = [
  'ExitEvaluated',
  ...Object.values(exitStepEventTypes),
  'ReturnedToPoverty',
];

export type MonitoringStarted = DomainEvent<
  'MonitoringStarted',
  HouseholdEventBase & {
    readonly monitoringId: string;
    readonly monitoringType: MonitoringType;
    readonly riskTypes: readonly MonitoringRiskType[];
    readonly measures: readonly AssistanceMeasure[];
    readonly identifiedOn: string;
    readonly note?: string;
  }
>;

export type RiskEliminated = DomainEvent<
  'RiskEliminated',
  HouseholdEventBase & {
    readonly monitoringId: string;
    /** The closed monitoring's type, so a count by type needs no other event. */
    readonly monitoringType: MonitoringType;
    readonly eliminatedOn: string;
    /** The monitoring rules (data/households/monitoring-lines.json) whose period was checked. */
    readonly rulesVersion: string;
    readonly note?: string;
  }
>;

export type MonitoringEvent = MonitoringStarted | RiskEliminated;
export const monitoringEventTypes: readonly MonitoringEvent['type'][] = [
  'MonitoringStarted',
  'RiskEliminated',
];

export type HouseholdEvent =
  | HouseholdRegistered
  | MemberAdded
  | MemberRemoved
  | IncomeRecorded
  | HousingAssessed
  | HelperAssigned
  | PolicyEnjoyed
  | IndustryProjectJoined
  | ExitEvent
  | MonitoringEvent;

export const householdEventTypes: readonly HouseholdEvent['type'][] = [
  'HouseholdRegistered',
  'MemberAdded',
  'MemberRemoved',
  'IncomeRecorded',
  'HousingAssessed',
  'HelperAssigned',
  'PolicyEnjoyed',
  'IndustryProjectJoined',
  ...exitEventTypes,
  ...monitoringEventTypes,
];
