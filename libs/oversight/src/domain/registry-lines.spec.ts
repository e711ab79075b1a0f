// Proves the registry files of formats.md are read as written there: Chinese or English headers
// (trimmed, case-folded, a full-width note ignored), a missing or doubled column named, ID numbers
// normalised (spaces, full-width characters, lowercase x) and refused when not valid, dates in
// every listed form, a cadre's own row and a relative's row told apart.
import { makeIdNumber } from '@sunlight/geo';
import {
  expectedRegistryHeaders,
  mapRegistryHeader,
  readRegistryLine,
  type RegistryHeaderMap,
} from './registry-lines';
import type { RegistryKind } from './registries';

const id = makeIdNumber('530325', '19800101', '123');
const source = (row: number) => ({ snapshotSha256: 'cd'.repeat(32), asOf: '2019-01-01', row });

function header(kind: RegistryKind, headers: string[]): RegistryHeaderMap {
  const map = mapRegistryHeader(kind, headers);
  if (!(map instanceof Map)) throw new Error(`header refused: ${JSON.stringify(map)}`);
  return map;
}

describe('registry headers', () => {
  it('take the Chinese or the English names, with spaces, case and a full-width note ignored', () => {
    expect(
      header('vehicles', ['车主身份证号', '姓名', '号牌', '车辆类型', '登记日期（年月日）']).size,
    ).toBe(5);
    expect(
      header('vehicles', [' Owner_ID ', 'NAME', 'plate', 'type', 'registered', '备注']).size,
    ).toBe(5);
  });

  it('name the missing columns and the doubled ones', () => {
    expect(mapRegistryHeader('deaths', ['身份证号', '姓名'])).toEqual({
      kind: 'missing',
      columns: [expect.objectContaining({ field: 'died' })],
    });
    expect(mapRegistryHeader('deaths', ['身份证号', 'id', '姓名', '死亡日期'])).toEqual({
      kind: 'duplicate',
      headers: ['id'],
    });
    expect(expectedRegistryHeaders('deaths')).toBe('身份证号 / id, 姓名 / name, 死亡日期 / died');
  });
});

describe('registry lines', () => {
  const vehicles = header('vehicles', ['owner_id', 'name', 'plate', 'type', 'registered']);

  it('normalise the ID number and the date, keeping the row’s source', () => {
    const written = `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`.replace(/\d/g, (d) =>
      String.fromCharCode(0xff10 + Number(d)),
    );
    expect(
      readRegistryLine(
        'vehicles',
        vehicles,
        [written, '张三', '云D12345', '小型轿车', '2018年11月2日'],
        source(4),
      ),
    ).toEqual({
      ok: true,
      row: {
        kind: 'vehicles',
        source: source(4),
        idNumber: id,
        name: '张三',
        plate: '云D12345',
        type: '小型轿车',
        registered: '2018-11-02',
      },
    });
  });

  it('reject a line naming the field: a bad check character, an empty required cell, a bad date', () => {
    const badCheck = `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`;
    const line = (cells: string[]) => readRegistryLine('vehicles', vehicles, cells, source(7));
    expect(line([badCheck, '张三', '云D1', '轿车', '2018-01-01'])).toMatchObject({
      ok: false,
      rejection: { row: 7, field: 'owner_id' },
    });
    expect(line([id, '张三', '', '轿车', '2018-01-01'])).toMatchObject({
      ok: false,
      rejection: { field: 'plate', reason: 'is empty' },
    });
    expect(line([id, '张三', '云D1', '轿车', '2018-02-30'])).toMatchObject({
      ok: false,
      rejection: { field: 'registered' },
    });
  });

  it('tell a cadre’s own row from a relative’s, which must name the relation', () => {
    const cadres = header('village-cadres', [
      '村干部身份证号',
      '村干部姓名',
      '亲属身份证号',
      '亲属姓名',
      '关系',
    ]);
    const relative = makeIdNumber('530325', '19900101', '022');
    expect(
      readRegistryLine('village-cadres', cadres, [id, '李四', '', '', ''], source(1)),
    ).toMatchObject({
      ok: true,
      row: { cadreIdNumber: id, relation: '本人' },
    });
    expect(
      readRegistryLine('village-cadres', cadres, [id, '李四', relative, '李小', '子女'], source(2)),
    ).toMatchObject({
      ok: true,
      row: { cadreIdNumber: id, relativeIdNumber: relative, relation: '子女' },
    });
    expect(
      readRegistryLine('village-cadres', cadres, [id, '李四', relative, '李小', ''], source(3)),
    ).toMatchObject({
      ok: false,
      rejection: { field: 'relation' },
    });
  });
});
