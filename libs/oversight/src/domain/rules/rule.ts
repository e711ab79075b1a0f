import type { EvidenceEvent, HouseholdRegister, ProjectRecord } from '../records';
import type { RegistryIndex, RegistryKind, RegistryRow } from '../registries';
import type { CheckSubject, SubjectRef } from '../subjects';

/** A parameter's value: plain JSON, so that rules, findings and the API all carry it as is. */
export type ParameterValue = string | number | boolean | string[] | Record<string, string>;
export type RuleParameters = Record<string, ParameterValue>;

export interface ParameterDefinition {
  description: string;
  default: ParameterValue;
}

export interface Explanation {
  zh: string;
  en: string;
}

/** One lead (疑点): never a verdict, always with the evidence that raised it. */
export interface RuleHit {
  ruleId: string;
  ruleVersion: number;
  /** The subject the lead is about. */
  subject: SubjectRef;
  /** Other subjects the lead rests on (the other lines of a duplicate, …). */
  related: SubjectRef[];
  /** The registry rows it rests on, each naming its snapshot's file hash and row. */
  registryRows: RegistryRow[];
  /** Other events it rests on (household members added, photos, payments …), with positions. */
  events: EvidenceEvent[];
  /** The parameters in force, defaults included. */
  parameters: RuleParameters;
  explanation: Explanation;
}

export interface RuleInput {
  subjects: readonly CheckSubject[];
  registries: RegistryIndex;
  /** The household register of the division, when a rule selected needs it. */
  households?: HouseholdRegister;
  /** The projects of the division, when a rule selected needs them. */
  projects?: readonly ProjectRecord[];
}

/**
 * The subjects of the rules about a beneficiary, as their definitions list them: the roster
 * lines, and in a check of a division the payments made there to persons directly.
 */
export const beneficiarySubjects =
  'roster entries (RosterEntryAccepted); in a check of a division also payments to persons (DisbursementRequested not made from a roster line, neither rejected nor failed)';

/** Sunlight's own records a rule may need beside the subjects and registries. */
export type RecordKind = 'households' | 'projects';

/**
 * A rule as Cardinal documents its indicators: what it computes, from what, with which
 * parameters (and their defaults), what it deliberately leaves out, and an example. `evaluate`
 * is a pure function of its input and parameters; a new behaviour is a new version.
 */
export interface RuleDefinition {
  id: string;
  version: number;
  title: Explanation;
  method: string;
  inputs: string[];
  /** Registries the rule needs; without a snapshot of one in force it raises nothing. */
  registries: RegistryKind[];
  /** Sunlight's own records the rule needs; gathered only when a rule selected needs them. */
  records?: readonly RecordKind[];
  parameters: Record<string, ParameterDefinition>;
  exclusions: string[];
  example: string;
  evaluate(input: RuleInput, parameters: RuleParameters): RuleHit[];
}

/** The defaults, overridden by what the caller gave (already validated against the definition). */
export function parametersOf(
  rule: Pick<RuleDefinition, 'parameters'>,
  given: RuleParameters = {},
): RuleParameters {
  const parameters: RuleParameters = {};
  for (const [name, definition] of Object.entries(rule.parameters))
    parameters[name] = given[name] ?? definition.default;
  return parameters;
}
