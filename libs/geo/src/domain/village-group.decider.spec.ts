// Proves a village group (村民小组) is registered once under a real village with a valid number and name, that an identical repeat writes nothing, and that a different name for a taken number, a non-village code or bad input are refused with typed errors.
import { villageGroupNumberMax } from '../village-group';
import {
  type RegisterVillageGroup,
  villageGroupNameLengthMax,
  type VillageGroupEvent,
  type VillageGroupRegistered,
  villageGroupsDecider,
  villageGroupsStreamName,
  type VillageGroupsState,
} from './village-group.decider';
import {
  InvalidVillageGroupCommandError,
  NotAVillageError,
  VillageGroupConflictError,
} from './village-group.errors';

const villageCode = '530325001001';

const register: RegisterVillageGroup = {
  type: 'RegisterVillageGroup',
  villageCode,
  groupNumber: 3,
  name: '第三村民小组',
  villageExists: true,
  actor: { id: 'v1', role: 'village_staff', division: '530325' },
  occurredAt: '2026-03-01T08:00:00.000Z',
};

const registered: VillageGroupRegistered = {
  type: 'VillageGroupRegistered',
  data: { villageCode, groupNumber: 3, code: `${villageCode}-3`, name: '第三村民小组' },
};

function given(events: readonly VillageGroupEvent[]) {
  const state = events.reduce(villageGroupsDecider.evolve, villageGroupsDecider.initialState());
  return {
    when: (command: RegisterVillageGroup) => ({
      then(expected: readonly VillageGroupEvent[]): VillageGroupsState {
        const actual = villageGroupsDecider.decide(command, state);
        expect(actual).toStrictEqual(expected);
        return actual.reduce(villageGroupsDecider.evolve, state);
      },
      thenThrows(
        errorClass: new (...args: never[]) => Error,
        properties: Record<string, unknown> = {},
      ): void {
        let thrown: unknown;
        try {
          const produced = villageGroupsDecider.decide(command, state);
          throw new Error(
            `expected ${errorClass.name} but decide returned ${JSON.stringify(produced)}`,
          );
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(errorClass);
        expect(thrown).toMatchObject(properties);
      },
    }),
  };
}

describe('RegisterVillageGroup', () => {
  it('registers the group with its code <villageCode>-<n>', () => {
    const state = given([]).when(register).then([registered]);
    expect(state.names.get(3)).toBe('第三村民小组');
  });

  it('stores the name trimmed, as the registry shows it', () => {
    given([])
      .when({ ...register, name: '  第三村民小组 ' })
      .then([registered]);
  });

  it('registers another number beside an existing one', () => {
    given([registered])
      .when({ ...register, groupNumber: 10, name: '第十村民小组' })
      .then([
        {
          type: 'VillageGroupRegistered',
          data: { villageCode, groupNumber: 10, code: `${villageCode}-10`, name: '第十村民小组' },
        },
      ]);
  });

  it('writes nothing for an identical repeat, whoever sends it and whenever', () => {
    given([registered])
      .when({
        ...register,
        actor: { id: 'f1', role: 'finance', division: '53' },
        occurredAt: '2026-04-01T00:00:00.000Z',
      })
      .then([]);
  });

  it('refuses the same number under another name with a 409', () => {
    given([registered])
      .when({ ...register, name: '第四村民小组' })
      .thenThrows(VillageGroupConflictError, {
        code: 'GEO.VILLAGE_GROUP_CONFLICT',
        httpStatus: 409,
        villageGroupCode: `${villageCode}-3`,
        registeredName: '第三村民小组',
      });
  });

  it('refuses a code the application did not find as a village with a 422', () => {
    given([])
      .when({ ...register, villageExists: false })
      .thenThrows(NotAVillageError, {
        code: 'GEO.NOT_A_VILLAGE',
        httpStatus: 422,
        field: 'villageCode',
        villageCode,
      });
  });

  it('refuses a code that cannot be a village even when told it exists', () => {
    given([])
      .when({ ...register, villageCode: '530325001' })
      .thenThrows(NotAVillageError, { villageCode: '530325001' });
  });

  it.each([0, -1, villageGroupNumberMax + 1, 2.5, Number.NaN])(
    'refuses group number %p',
    (groupNumber) => {
      given([])
        .when({ ...register, groupNumber })
        .thenThrows(InvalidVillageGroupCommandError, {
          code: 'GEO.INVALID_VILLAGE_GROUP',
          httpStatus: 422,
          field: 'groupNumber',
        });
    },
  );

  it(`accepts group numbers 1 and ${villageGroupNumberMax}`, () => {
    given([])
      .when({ ...register, groupNumber: 1 })
      .then([
        {
          type: 'VillageGroupRegistered',
          data: { villageCode, groupNumber: 1, code: `${villageCode}-1`, name: '第三村民小组' },
        },
      ]);
    given([])
      .when({ ...register, groupNumber: villageGroupNumberMax })
      .then([
        {
          type: 'VillageGroupRegistered',
          data: {
            villageCode,
            groupNumber: villageGroupNumberMax,
            code: `${villageCode}-${villageGroupNumberMax}`,
            name: '第三村民小组',
          },
        },
      ]);
  });

  it.each(['', '   ', '组'.repeat(villageGroupNameLengthMax + 1)])('refuses name %p', (name) => {
    given([])
      .when({ ...register, name })
      .thenThrows(InvalidVillageGroupCommandError, { field: 'name' });
  });

  it(`counts the name limit in characters: ${villageGroupNameLengthMax} Chinese characters pass`, () => {
    const name = '组'.repeat(villageGroupNameLengthMax);
    given([])
      .when({ ...register, name })
      .then([{ type: 'VillageGroupRegistered', data: { ...registered.data, name } }]);
  });
});

describe('village group stream', () => {
  it('is one stream per village', () => {
    expect(villageGroupsStreamName(villageCode)).toBe('villagegroups-530325001001');
  });

  it('refuses to fold the same number twice, which decide never produces', () => {
    expect(() => given([registered, registered])).toThrow(
      /invariant: village group 530325001001-3 registered twice/,
    );
  });
});
