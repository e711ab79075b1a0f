import { assertNever, validateCommandContext } from '@sunlight/kernel';
import { householdIdPattern, parseHouseholdId, householdIdFormat } from '../household-id';
import {
  CorrectedRecordMismatchError,
  HouseholdAlreadyRegisteredError,
  HouseholdNotFoundError,
  IncomeRecordConflictError,
  InvalidHouseholdCommandError,
  MemberConflictError,
  MemberNotFoundError,
  SecondHeadError,
} from '../households.errors';
import {
  addressLengthMax,
  bankAccountFormat,
  bankAccountPattern,
  chinaDateOf,
  descriptionLengthMax,
  householdFieldRules as rules,
  identifiedYearMin,
  requireIdNumberFacts,
  identifierFormat,
  incomeYearMin,
  organisationLengthMax,
  personNameLengthMax,
  phoneFormat,
  phonePattern,
  projectIdPattern,
  recordIdPattern,
  requireIdNumber,
  requirePastDate,
  requireVillageCode,
  requireYear,
} from '../households.validation';
import { fenToString } from '../money';
import {
  healthStatuses,
  headRelation,
  householdAttributes,
  housingSafetyGrades,
  identificationStandards,
  incomeTypes,
  labourStatuses,
  memberRemovalReasons,
  policyKinds,
  povertyCauses,
  relationsToHead,
  schoolingLevels,
  secondaryCausesMax,
  sexes,
} from '../vocabulary';
import type {
  AddMember,
  AssessHousing,
  AssignHelper,
  HouseholdCommand,
  JoinIndustryProject,
  MemberDetails,
  RecordIncome,
  RecordPolicy,
  RegisterHousehold,
  RemoveMember,
} from './commands';
import type { HouseholdEvent, HouseholdRegistered, MemberAdded } from './events';
import { correctedRecordIds } from './income';
import { evaluate, recordExitStep, returnToPoverty } from './decide-exit';
import { evolveHousehold } from './evolve';
import { eliminateRisk, startMonitoring } from './decide-monitoring';
import type { HouseholdState } from './state';

/**
 * Decides one command on one household. A command that repeats what the household already holds
 * (the same registration, the same member, the same income record) decides nothing, so a retried
 * request writes nothing twice; the same id with other content is a 409.
 */
export function decideHousehold(
  command: HouseholdCommand,
  state: HouseholdState,
): HouseholdEvent[] {
  validateCommandContext(command, rules);
  if (typeof command.householdId !== 'string' || !householdIdPattern.test(command.householdId)) {
    throw rules.invalid('householdId', `must be ${householdIdFormat}`);
  }
  const today = chinaDateOf(command.occurredAt);
  if (command.type === 'RegisterHousehold') return registerWithMembers(command, state, today);
  if (state.registration === undefined) throw new HouseholdNotFoundError(command.householdId);
  switch (command.type) {
    case 'AddMember':
      return addMember(command, state, today);
    case 'RemoveMember':
      return removeMember(command, state, today);
    case 'RecordIncome':
      return recordIncome(command, state, today);
    case 'AssessHousing':
      return assessHousing(command, state, today);
    case 'AssignHelper':
      return assignHelper(command, state);
    case 'RecordPolicy':
      return recordPolicy(command, state, today);
    case 'JoinIndustryProject':
      return joinIndustryProject(command, state, today);
    case 'EvaluateExit':
      return evaluate(command, state, today);
    case 'RecordExitStep':
      return recordExitStep(command, state, today);
    case 'ReturnToPoverty':
      return returnToPoverty(command, state, today);
    case 'StartMonitoring':
      return startMonitoring(command, state, today);
    case 'EliminateRisk':
      return eliminateRisk(command, state, today);
    default:
      return assertNever(command, 'household command');
  }
}

/** Members one registration may carry; a household of more is registered and then added to. */
export const membersPerRegistrationMax = 50;

/**
 * The registration, then each member it carries decided as `AddMember` on the household as the
 * events before it leave it: a repeat of the whole command decides nothing, and a registration
 * already recorded with some of these members adds only the others. A refused member is named
 * by its place (`members[2].idNumber`).
 */
function registerWithMembers(
  command: RegisterHousehold,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const events = register(command, state, today);
  const members: unknown = command.members;
  if (members === undefined) return events;
  if (!Array.isArray(members) || members.length > membersPerRegistrationMax) {
    throw rules.invalid(
      'members',
      `must be a list of at most ${membersPerRegistrationMax} members`,
    );
  }
  let folded = events.reduce(evolveHousehold, state);
  for (const [index, member] of (members as readonly MemberDetails[]).entries()) {
    let added: HouseholdEvent[];
    try {
      added = addMember(
        {
          ...member,
          type: 'AddMember',
          householdId: command.householdId,
          actor: command.actor,
          occurredAt: command.occurredAt,
        },
        folded,
        today,
      );
    } catch (error) {
      if (error instanceof InvalidHouseholdCommandError) {
        throw rules.invalid(`members[${index}].${error.field}`, error.reason);
      }
      throw error;
    }
    folded = added.reduce(evolveHousehold, folded);
    events.push(...added);
  }
  return events;
}

function register(
  command: RegisterHousehold,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const villageCode = requireVillageCode('villageCode', command.villageCode);
  if (parseHouseholdId(command.householdId)?.villageCode !== villageCode) {
    throw rules.invalid('householdId', `must start with hh-${villageCode}- (its village)`);
  }
  if (command.villageExists !== true) {
    throw rules.invalid('villageCode', `${villageCode} is not a known village code`);
  }
  const group = command.villageGroupCode;
  if (
    group !== undefined &&
    (!group.startsWith(`${villageCode}-`) || command.villageGroupExists !== true)
  ) {
    throw rules.invalid(
      'villageGroupCode',
      `${group} is not a registered group of village ${villageCode}`,
    );
  }
  const mainCause = rules.requireOneOf('mainCause', command.mainCause, povertyCauses);
  const event: HouseholdRegistered = {
    type: 'HouseholdRegistered',
    data: {
      householdId: command.householdId,
      villageCode,
      ...(group === undefined ? {} : { villageGroupCode: group }),
      headName: rules.requireText('headName', command.headName, personNameLengthMax),
      address: rules.requireText('address', command.address, addressLengthMax),
      identificationStandard: rules.requireOneOf(
        'identificationStandard',
        command.identificationStandard,
        identificationStandards,
      ),
      attribute: rules.requireOneOf('attribute', command.attribute, householdAttributes),
      mainCause,
      otherCauses: otherCauses(command.otherCauses, mainCause),
      bankName: rules.requireText('bankName', command.bankName, organisationLengthMax),
      bankAccount: requireFormat(
        'bankAccount',
        command.bankAccount,
        bankAccountPattern,
        bankAccountFormat,
      ),
      phone: requireFormat('phone', command.phone, phonePattern, phoneFormat),
      identifiedYear: requireYear(
        'identifiedYear',
        command.identifiedYear,
        identifiedYearMin,
        today,
      ),
    },
  };
  if (state.registration !== undefined) {
    const { householdId: _id, ...facts } = event.data;
    if (sameJson(facts, state.registration)) return [];
    throw new HouseholdAlreadyRegisteredError(command.householdId);
  }
  return [event];
}

function otherCauses(
  value: unknown,
  mainCause: string,
): HouseholdRegistered['data']['otherCauses'] {
  if (!Array.isArray(value)) throw rules.invalid('otherCauses', 'must be a list (possibly empty)');
  if (value.length > secondaryCausesMax) {
    throw rules.invalid(
      'otherCauses',
      `must hold at most ${secondaryCausesMax} causes besides the main one`,
    );
  }
  const causes = value.map((cause, index) =>
    rules.requireOneOf(`otherCauses[${index}]`, cause, povertyCauses),
  );
  if (causes.includes(mainCause as never)) {
    throw rules.invalid('otherCauses', 'must not repeat the main cause');
  }
  if (new Set(causes).size !== causes.length)
    throw rules.invalid('otherCauses', 'must not repeat a cause');
  return causes;
}

function addMember(command: AddMember, state: HouseholdState, today: string): HouseholdEvent[] {
  const { idNumber, ...facts } = requireIdNumberFacts('idNumber', command.idNumber, today);
  const sex = rules.requireOneOf('sex', command.sex, sexes);
  if (facts.sex !== sex) throw rules.invalid('sex', `must agree with the ID number (${facts.sex})`);
  if (command.birthDate !== facts.birthDate) {
    throw rules.invalid('birthDate', `must agree with the ID number (${facts.birthDate})`);
  }
  const event: MemberAdded = {
    type: 'MemberAdded',
    data: {
      householdId: command.householdId,
      idNumber,
      name: rules.requireText('name', command.name, personNameLengthMax),
      relation: rules.requireOneOf('relation', command.relation, relationsToHead),
      sex,
      birthDate: facts.birthDate,
      health: rules.requireOneOf('health', command.health, healthStatuses),
      schooling: rules.requireOneOf('schooling', command.schooling, schoolingLevels),
      labour: rules.requireOneOf('labour', command.labour, labourStatuses),
    },
  };
  const active = state.members.get(idNumber);
  if (active !== undefined) {
    const { householdId: _id, ...details } = event.data;
    if (sameJson(details, active)) return [];
    throw new MemberConflictError(command.householdId);
  }
  if (event.data.relation === headRelation) {
    const head = [...state.members.values()].find((member) => member.relation === headRelation);
    if (head !== undefined) throw new SecondHeadError(command.householdId);
  }
  return [event];
}

function removeMember(
  command: RemoveMember,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const idNumber = requireIdNumber('idNumber', command.idNumber, today);
  const reason = rules.requireOneOf('reason', command.reason, memberRemovalReasons);
  const date = requirePastDate('date', command.date, today);
  const member = state.members.get(idNumber);
  if (member === undefined) {
    const removal = state.removals.get(idNumber);
    if (removal !== undefined && removal.reason === reason && removal.date === date) return [];
    throw new MemberNotFoundError(command.householdId);
  }
  return [
    {
      type: 'MemberRemoved',
      data: { householdId: command.householdId, idNumber, name: member.name, reason, date },
    },
  ];
}

function recordIncome(
  command: RecordIncome,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const recordId = requireFormat('recordId', command.recordId, recordIdPattern, identifierFormat);
  const year = requireYear('year', command.year, incomeYearMin, today);
  const incomeType = rules.requireOneOf('incomeType', command.incomeType, incomeTypes);
  if (typeof command.amountFen !== 'bigint' || command.amountFen < 0n) {
    throw rules.invalid('amount', 'must not be negative');
  }
  const corrects = command.correctsRecordId;
  const data = {
    householdId: command.householdId,
    recordId,
    year,
    incomeType,
    amountFen: fenToString(command.amountFen),
    ...(corrects === undefined
      ? {}
      : {
          correctsRecordId: requireFormat(
            'correctsRecordId',
            corrects,
            recordIdPattern,
            identifierFormat,
          ),
        }),
  };
  const existing = state.incomes.get(recordId);
  if (existing !== undefined) {
    const { householdId: _id, ...record } = data;
    if (sameJson(record, existing)) return [];
    throw new IncomeRecordConflictError(recordId);
  }
  if (corrects !== undefined) checkCorrection(state, corrects, year, incomeType);
  return [{ type: 'IncomeRecorded', data }];
}

function checkCorrection(
  state: HouseholdState,
  corrects: string,
  year: number,
  incomeType: string,
): void {
  const original = state.incomes.get(corrects);
  if (original === undefined)
    throw new CorrectedRecordMismatchError(corrects, 'this household has no such record');
  if (original.year !== year || original.incomeType !== incomeType) {
    throw new CorrectedRecordMismatchError(
      corrects,
      `it is ${original.incomeType} income of ${original.year}; a correction keeps the year and type`,
    );
  }
  if (correctedRecordIds(state.incomes.values()).has(corrects)) {
    const by = [...state.incomes.values()].find((record) => record.correctsRecordId === corrects);
    throw new CorrectedRecordMismatchError(
      corrects,
      `it was corrected already by ${by?.recordId}; correct that record instead`,
    );
  }
}

function assessHousing(
  command: AssessHousing,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const data = {
    householdId: command.householdId,
    safety: rules.requireOneOf('safety', command.safety, housingSafetyGrades),
    assessor: rules.requireText('assessor', command.assessor, personNameLengthMax),
    assessedOn: requirePastDate('assessedOn', command.assessedOn, today),
  };
  const { householdId: _id, ...housing } = data;
  if (state.housing !== undefined && sameJson(housing, state.housing)) return [];
  return [{ type: 'HousingAssessed', data }];
}

function assignHelper(command: AssignHelper, state: HouseholdState): HouseholdEvent[] {
  const data = {
    householdId: command.householdId,
    name: rules.requireText('name', command.name, personNameLengthMax),
    unit: rules.requireText('unit', command.unit, organisationLengthMax),
    phone: requireFormat('phone', command.phone, phonePattern, phoneFormat),
  };
  const { householdId: _id, ...helper } = data;
  if (state.helper !== undefined && sameJson(helper, state.helper)) return [];
  return [{ type: 'HelperAssigned', data }];
}

function recordPolicy(
  command: RecordPolicy,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const description = rules.optionalText('description', command.description, descriptionLengthMax);
  const data = {
    householdId: command.householdId,
    policy: rules.requireOneOf('policy', command.policy, policyKinds),
    year: requireYear('year', command.year, identifiedYearMin, today),
    ...(description === undefined ? {} : { description }),
  };
  const { householdId: _id, ...policy } = data;
  if (state.policies.some((enjoyed) => sameJson(enjoyed, policy))) return [];
  return [{ type: 'PolicyEnjoyed', data }];
}

function joinIndustryProject(
  command: JoinIndustryProject,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  const projectId = requireFormat(
    'projectId',
    command.projectId,
    projectIdPattern,
    identifierFormat,
  );
  const joinedOn = requirePastDate('joinedOn', command.joinedOn, today);
  if (state.industryProjects.has(projectId)) return [];
  return [
    {
      type: 'IndustryProjectJoined',
      data: { householdId: command.householdId, projectId, joinedOn },
    },
  ];
}

function requireFormat(field: string, value: unknown, pattern: RegExp, format: string): string {
  if (typeof value !== 'string' || !pattern.test(value))
    throw rules.invalid(field, `must be ${format}`);
  return value;
}

/** Equal as the log would store them: key order does not matter, undefined keys are absent. */
function sameJson(a: object, b: object): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
