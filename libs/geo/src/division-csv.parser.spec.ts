// Proves the division CSV parser copes with BOMs, CRLF, quoting and blank lines while keeping line numbers right.
import { DivisionDataError } from './division';
import { parseDivisionCsv } from './division-csv.parser';

describe('parseDivisionCsv', () => {
  it('reads a BOM, CRLF line ends, quoted and unquoted names and a trailing blank line', () => {
    const text =
      '\uFEFFcode,name,level,parent_code\r\n99,"测试省",province,\r\n\r\n9901,甲市,prefecture,99\r\n';
    expect(parseDivisionCsv(text, 'mem.csv')).toEqual([
      {
        code: '99',
        name: '测试省',
        level: 'province',
        parentCode: null,
        source: 'mem.csv',
        line: 2,
      },
      {
        code: '9901',
        name: '甲市',
        level: 'prefecture',
        parentCode: '99',
        source: 'mem.csv',
        line: 4,
      },
    ]);
  });

  it('keeps commas and doubled quotes inside quoted names', () => {
    const [record] = parseDivisionCsv(
      'code,name,level,parent_code\n99,"甲, ""乙""",province,',
      'mem.csv',
    );
    expect(record?.name).toBe('甲, "乙"');
  });

  it('counts lines inside a multi-line quoted field so later errors point at the right line', () => {
    const text = 'code,name,level,parent_code\n99,"测试\n省",province,\n9901,"甲市",city,99\n';
    expect(() => parseDivisionCsv(text, 'mem.csv')).toThrow(
      'mem.csv line 4: division 9901 has unknown level "city"',
    );
  });

  it('rejects stray text after a closing quote', () => {
    expect(() =>
      parseDivisionCsv('code,name,level,parent_code\n99,"测试"省,province,', 'mem.csv'),
    ).toThrow(DivisionDataError);
  });
});
