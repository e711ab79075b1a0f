// Proves the loader finds the shipped file, rejects inconsistent division files naming the line, and merges several files.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DivisionDataError } from './division';
import {
  defaultDivisionFilePaths,
  findProjectRoot,
  loadDivisionRegistry,
} from './division-registry.loader';

const header = 'code,name,level,parent_code';
const validProvince99 = [
  header,
  '99,"测试省",province,',
  '9901,"甲市",prefecture,99',
  '990102,"乙区",county,9901',
  '990102001,"丙街道",township,990102',
  '990102001001,"丁社区居民委员会",village,990102001',
  '990102001002,"戊村民委员会",village,990102001',
].join('\n');

describe('loadDivisionRegistry', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'sunlight-geo-'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function writeCsv(name: string, text: string): string {
    const path = join(directory, name);
    writeFileSync(path, text, 'utf8');
    return path;
  }

  function loadError(text: string): DivisionDataError {
    const path = writeCsv('bad.csv', text);
    try {
      loadDivisionRegistry([path]);
    } catch (error) {
      if (error instanceof DivisionDataError) return error;
      throw error;
    }
    throw new Error('expected the file to be rejected');
  }

  it('resolves the default file from the project root', () => {
    const root = findProjectRoot();
    expect(defaultDivisionFilePaths()).toEqual([join(root, 'data', 'divisions', 'yunnan-53.csv')]);
  });

  it('finds the project root from the compiled output directory and fails loudly outside the project', () => {
    const root = findProjectRoot();
    expect(findProjectRoot(join(root, 'dist', 'libs', 'geo', 'src'))).toBe(root);
    expect(() => findProjectRoot(directory)).toThrow('No data/divisions directory found');
  });

  it('loads a small well-formed province', () => {
    const registry = loadDivisionRegistry([writeCsv('province-99.csv', validProvince99)]);
    expect(registry.size).toBe(6);
    expect(registry.childrenOf('990102001').map((division) => division.name)).toEqual([
      '丁社区居民委员会',
      '戊村民委员会',
    ]);
  });

  it('merges a second file of the same shape with the Yunnan file', () => {
    const province99 = writeCsv('province-99.csv', validProvince99);
    const registry = loadDivisionRegistry([...defaultDivisionFilePaths(), province99]);
    expect(registry.size).toBe(16495 + 6);
    expect(registry.isWithin('990102001002', '99')).toBe(true);
    expect(registry.isWithin('990102001002', '53')).toBe(false);
    expect(registry.isWithin('530325102202', '53')).toBe(true);
  });

  it('rejects a code defined in two files, naming the second occurrence', () => {
    const first = writeCsv('first.csv', validProvince99);
    const second = writeCsv('second.csv', [header, '99,"重复省",province,'].join('\n'));
    expect(() => loadDivisionRegistry([first, second])).toThrow(
      `${second} line 2: duplicate code 99`,
    );
  });

  it.each([
    [
      'a missing parent',
      [header, '99,"测试省",province,', '9901,"甲市",prefecture,98'],
      3,
      'parent 98 of 9901 does not exist',
    ],
    [
      'a skipped level',
      [header, '99,"测试省",province,', '990102,"乙区",county,99'],
      3,
      'county 990102 cannot sit directly under province 99',
    ],
    [
      'a code that does not extend its parent',
      [header, '99,"测试省",province,', '98,"x",province,', '9801,"甲市",prefecture,99'],
      4,
      'code 9801 does not start with',
    ],
    [
      'a wrong-length code',
      [header, '99,"测试省",province,', '99010,"甲市",prefecture,99'],
      3,
      'prefecture code 99010 must have 4 digits',
    ],
    [
      'a duplicate code',
      [header, '99,"测试省",province,', '9901,"甲市",prefecture,99', '9901,"乙市",prefecture,99'],
      4,
      'duplicate code 9901',
    ],
    [
      'an unknown level',
      [header, '99,"测试省",province,', '9901,"甲市",city,99'],
      3,
      'division 9901 has unknown level "city"',
    ],
    [
      'a province with a parent',
      [header, '99,"测试省",province,98'],
      2,
      'province 99 must not have a parent',
    ],
    [
      'a non-province without a parent',
      [header, '9901,"甲市",prefecture,'],
      2,
      'prefecture 9901 has no parent code',
    ],
    ['a wrong field count', [header, '99,"测试省",province'], 2, 'expected 4 fields, got 3'],
    ['a non-numeric code', [header, '9X,"测试省",province,'], 2, 'code "9X" is not all digits'],
    ['an empty name', [header, '99,"",province,'], 2, 'division 99 has no name'],
    ['an unterminated quote', [header, '99,"测试省,province,'], 2, 'unterminated quoted field'],
    [
      'a wrong header',
      ['code,name,level', '99,"测试省",province,'],
      1,
      'header must be code,name,level,parent_code',
    ],
    ['an empty file', [''], 1, 'file is empty'],
  ])('rejects %s, naming the line', (_case, lines, line, detail) => {
    const error = loadError(lines.join('\n'));
    expect(error.line).toBe(line);
    expect(error.message).toContain(`bad.csv line ${line}: ${detail}`);
  });
});
