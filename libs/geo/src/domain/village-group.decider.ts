import {
  assertNever,
  invariant,
  evolveWith,
  fieldRules,
  hasControlCharacter,
  hasVisibleCharacter,
  validateCommandContext,
  type Actor,
  type Decider,
  type DomainEvent,
} from '@sunlight/kernel';
import { divisionCodeLengthByLevel } from '../division';
import {
  isValidVillageGroupNumber,
  villageGroupCode,
  villageGroupNumberMax,
} from '../village-group';
import {
  InvalidVillageGroupCommandError,
  NotAVillageError,
  VillageGroupConflictError,
} from './village-group.errors';

/*
 * Village groups (村民小组) have no national code, so they are registered by event: one stream per
 * village (`villagegroups-<villageCode>`), one `VillageGroupRegistered` per group, code
 * `<villageCode>-<n>`. Whether the village exists is reference data the application looks up and
 * hands in as `villageExists`, which keeps `decide` pure.
 */

export const villageGroupsStreamCategory = 'villagegroups';
// Real names are a few characters (第三村民小组, 大寨组); anything near this limit is a paste mistake.
export const villageGroupNameLengthMax = 64;

export interface RegisterVillageGroup {
  readonly type: 'RegisterVillageGroup';
  readonly villageCode: string;
  readonly groupNumber: number;
  readonly name: string;
  /** True when `villageCode` is a known division at the village level (村), as the application found it. */
  readonly villageExists: boolean;
  readonly actor: Actor;
  /** Business time as an ISO 8601 timestamp, chosen by the application. */
  readonly occurredAt: string;
}

export type VillageGroupCommand = RegisterVillageGroup;

export type VillageGroupRegistered = DomainEvent<
  'VillageGroupRegistered',
  {
    readonly villageCode: string;
    readonly groupNumber: number;
    readonly code: string;
    readonly name: string;
  }
>;

export type VillageGroupEvent = VillageGroupRegistered;

export const villageGroupRegisteredType: VillageGroupRegistered['type'] = 'VillageGroupRegistered';

export interface VillageGroupsState {
  /** Registered names by group number. */
  readonly names: ReadonlyMap<number, string>;
}

export function initialVillageGroupsState(): VillageGroupsState {
  return { names: new Map() };
}

// The stream is named even for a code that is not a village: `decide` then refuses, so nothing is written to it.
export function villageGroupsStreamName(villageCode: string): string {
  return `${villageGroupsStreamCategory}-${villageCode}`;
}

const villageGroupRules = fieldRules(
  (field, reason) => new InvalidVillageGroupCommandError(field, reason),
);

const villageCodePattern = new RegExp(`^\\d{${divisionCodeLengthByLevel.village}}$`);

export function decideVillageGroups(
  command: VillageGroupCommand,
  state: VillageGroupsState,
): VillageGroupEvent[] {
  switch (command.type) {
    case 'RegisterVillageGroup':
      return registerVillageGroup(command, state);
    default:
      return assertNever(command.type, 'village group command');
  }
}

function registerVillageGroup(
  command: RegisterVillageGroup,
  state: VillageGroupsState,
): VillageGroupEvent[] {
  validateCommandContext(command, villageGroupRules);
  if (command.villageExists !== true || !villageCodePattern.test(command.villageCode)) {
    throw new NotAVillageError(command.villageCode);
  }
  if (!isValidVillageGroupNumber(command.groupNumber)) {
    throw new InvalidVillageGroupCommandError(
      'groupNumber',
      `must be an integer from 1 to ${villageGroupNumberMax}`,
    );
  }
  const name = validName(command.name);
  const code = villageGroupCode(command.villageCode, command.groupNumber);
  const registeredName = state.names.get(command.groupNumber);
  if (registeredName !== undefined) {
    // Who sent it and when are metadata: the same group under the same name is a repeat.
    if (registeredName === name) return [];
    throw new VillageGroupConflictError(code, registeredName);
  }
  return [
    {
      type: 'VillageGroupRegistered',
      data: { villageCode: command.villageCode, groupNumber: command.groupNumber, code, name },
    },
  ];
}

// Trimmed, because the registry trims too and the event must say exactly what the registry shows.
function validName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!hasVisibleCharacter(name))
    throw new InvalidVillageGroupCommandError('name', 'is required and must not be blank');
  if (hasControlCharacter(name))
    throw new InvalidVillageGroupCommandError('name', 'must not contain control characters');
  if ([...name].length > villageGroupNameLengthMax) {
    throw new InvalidVillageGroupCommandError(
      'name',
      `must be at most ${villageGroupNameLengthMax} characters`,
    );
  }
  return name;
}

export const evolveVillageGroups = evolveWith<VillageGroupsState, VillageGroupEvent>(
  {
    VillageGroupRegistered: (state, { data: { groupNumber, name, code } }) => {
      invariant(!state.names.has(groupNumber), `village group ${code} registered twice`);
      const names = new Map(state.names);
      names.set(groupNumber, name);
      return { names };
    },
  },
  'village group',
);

export const villageGroupsDecider: Decider<
  VillageGroupsState,
  VillageGroupCommand,
  VillageGroupEvent
> = {
  initialState: initialVillageGroupsState,
  decide: decideVillageGroups,
  evolve: evolveVillageGroups,
};
