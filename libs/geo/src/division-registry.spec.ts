// Proves the registry built from the shipped Yunnan file has the right shape and answers ancestry questions correctly.
import { UnknownDivisionError } from './division';
import { DivisionRegistry } from './division-registry';
import { loadDivisionRegistry } from './division-registry.loader';

describe('DivisionRegistry over data/divisions/yunnan-53.csv', () => {
  let registry: DivisionRegistry;

  beforeAll(() => {
    registry = loadDivisionRegistry();
  });

  it('holds every level of Yunnan with the published counts', () => {
    expect(registry.countsByLevel()).toEqual({
      province: 1,
      prefecture: 16,
      county: 129,
      township: 1461,
      village: 14888,
      village_group: 0,
    });
    expect(registry.size).toBe(16495);
  });

  it('places 富源县 under 曲靖市 under 云南省', () => {
    expect(registry.get('530325')).toEqual({
      code: '530325',
      name: '富源县',
      level: 'county',
      parentCode: '5303',
    });
    expect(registry.parentOf('530325')).toEqual({
      code: '5303',
      name: '曲靖市',
      level: 'prefecture',
      parentCode: '53',
    });
    expect(registry.parentOf('5303')?.code).toBe('53');
    expect(registry.parentOf('53')).toBeUndefined();
  });

  it('lists the counties of 曲靖市 in code order', () => {
    const children = registry.childrenOf('5303');
    expect(children.map((child) => child.level)).toEqual(Array(children.length).fill('county'));
    expect(children.map((child) => child.code)).toEqual([
      '530302',
      '530303',
      '530304',
      '530322',
      '530323',
      '530324',
      '530325',
      '530326',
      '530381',
    ]);
  });

  it('knows 营上镇 as a township of 富源县 with its ancestors root first', () => {
    expect(registry.levelOf('530325102')).toBe('township');
    expect(registry.require('530325102').name).toBe('营上镇');
    expect(registry.isDirectChild('530325', '530325102')).toBe(true);
    expect(registry.isDirectChild('5303', '530325102')).toBe(false);
    expect(registry.ancestorsOf('530325102').map((division) => division.code)).toEqual([
      '53',
      '5303',
      '530325',
    ]);
    expect(registry.ancestorsOf('53')).toEqual([]);
  });

  it('answers isWithin by ancestry', () => {
    expect(registry.isWithin('530325102202', '530325102202')).toBe(true);
    expect(registry.isWithin('530325102202', '530325102')).toBe(true);
    expect(registry.isWithin('530325102202', '530325')).toBe(true);
    expect(registry.isWithin('530325102202', '53')).toBe(true);
    expect(registry.isWithin('530325', '530325102')).toBe(false);
    expect(registry.isWithin('530325102202', '530302')).toBe(false);
    expect(registry.isWithin('530325102202', '5399')).toBe(false);
    expect(registry.isWithin('5303259999', '5303')).toBe(false);
  });

  it('throws UnknownDivisionError carrying the code for unknown divisions', () => {
    expect(registry.get('530399')).toBeUndefined();
    expect(registry.has('530399')).toBe(false);
    for (const query of [
      () => registry.require('530399'),
      () => registry.levelOf('530399'),
      () => registry.parentOf('530399'),
      () => registry.childrenOf('530399'),
      () => registry.ancestorsOf('530399'),
    ]) {
      expect(query).toThrow(UnknownDivisionError);
    }
    try {
      registry.require('530399');
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownDivisionError);
      expect((error as UnknownDivisionError).code).toBe('530399');
    }
  });
});
