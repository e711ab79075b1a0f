// Proves village groups (村民小组) get stable codes and, once registered, behave like any other division.
import { InvalidVillageGroupError, UnknownDivisionError } from './division';
import { parseDivisionCsv } from './division-csv.parser';
import { DivisionRegistry } from './division-registry';
import { parseVillageGroupCode, villageGroupCode } from './village-group';

const csv = [
  'code,name,level,parent_code',
  '99,"测试省",province,',
  '9901,"甲市",prefecture,99',
  '990102,"乙区",county,9901',
  '990102001,"丙街道",township,990102',
  '990102001001,"丁村民委员会",village,990102001',
  '990102001002,"戊村民委员会",village,990102001',
].join('\n');

function registry(): DivisionRegistry {
  return DivisionRegistry.fromRecords(parseDivisionCsv(csv, 'mem.csv'));
}

describe('village group codes', () => {
  it('round-trips a code', () => {
    expect(villageGroupCode('990102001001', 3)).toBe('990102001001-3');
    expect(parseVillageGroupCode('990102001001-3')).toEqual({
      villageCode: '990102001001',
      groupNumber: 3,
    });
  });

  it.each([
    '990102001001',
    '990102001001-0',
    '990102001001-03',
    '990102001001-1000',
    '99010200100-1',
    '990102001001-x',
    '990102001001-1 ',
  ])('does not parse %j', (code) => {
    expect(parseVillageGroupCode(code)).toBeUndefined();
  });

  it('refuses to build a code from a bad village code or group number', () => {
    expect(() => villageGroupCode('990102001', 1)).toThrow(RangeError);
    expect(() => villageGroupCode('990102001001', 0)).toThrow(RangeError);
    expect(() => villageGroupCode('990102001001', 1.5)).toThrow(RangeError);
  });
});

describe('DivisionRegistry.addVillageGroup', () => {
  it('registers groups that answer every registry query', () => {
    const divisions = registry();
    const group = divisions.addVillageGroup({
      villageCode: '990102001001',
      groupNumber: 10,
      name: ' 第十村民小组 ',
    });
    divisions.addVillageGroup({
      villageCode: '990102001001',
      groupNumber: 2,
      name: '第二村民小组',
    });

    expect(group).toEqual({
      code: '990102001001-10',
      name: '第十村民小组',
      level: 'village_group',
      parentCode: '990102001001',
    });
    expect(divisions.get('990102001001-10')).toEqual(group);
    expect(divisions.levelOf('990102001001-10')).toBe('village_group');
    expect(divisions.parentOf('990102001001-10')?.code).toBe('990102001001');
    expect(divisions.ancestorsOf('990102001001-10').map((division) => division.code)).toEqual([
      '99',
      '9901',
      '990102',
      '990102001',
      '990102001001',
    ]);
    expect(divisions.childrenOf('990102001001').map((division) => division.code)).toEqual([
      '990102001001-2',
      '990102001001-10',
    ]);
    expect(divisions.isDirectChild('990102001001', '990102001001-2')).toBe(true);
    expect(divisions.isWithin('990102001001-2', '990102')).toBe(true);
    expect(divisions.isWithin('990102001001-2', '990102001002')).toBe(false);
    expect(divisions.size).toBe(8);
    expect(divisions.countsByLevel().village_group).toBe(2);
  });

  it('refuses a parent that is not a village', () => {
    expect(() =>
      registry().addVillageGroup({ villageCode: '990102001', groupNumber: 1, name: '一组' }),
    ).toThrow(expect.objectContaining({ reason: 'not_a_village' }));
  });

  it('refuses an unknown village', () => {
    expect(() =>
      registry().addVillageGroup({ villageCode: '990102001009', groupNumber: 1, name: '一组' }),
    ).toThrow(UnknownDivisionError);
  });

  it('refuses a duplicate group', () => {
    const divisions = registry();
    divisions.addVillageGroup({ villageCode: '990102001001', groupNumber: 1, name: '一组' });
    expect(() =>
      divisions.addVillageGroup({ villageCode: '990102001001', groupNumber: 1, name: '另一组' }),
    ).toThrow(
      new InvalidVillageGroupError(
        'duplicate',
        '990102001001-1',
        'Village group 990102001001-1 is already registered',
      ),
    );
    expect(divisions.get('990102001001-1')?.name).toBe('一组');
  });

  it('refuses a bad group number or an empty name', () => {
    const divisions = registry();
    expect(() =>
      divisions.addVillageGroup({ villageCode: '990102001001', groupNumber: 0, name: '零组' }),
    ).toThrow(expect.objectContaining({ reason: 'invalid_group_number' }));
    expect(() =>
      divisions.addVillageGroup({ villageCode: '990102001001', groupNumber: 1, name: '  ' }),
    ).toThrow(expect.objectContaining({ reason: 'invalid_name' }));
  });
});
