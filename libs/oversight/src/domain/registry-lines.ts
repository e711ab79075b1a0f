import { validateIdNumber } from '@sunlight/geo';
import { normaliseHeader, normaliseRosterIdNumber, parseRosterDate } from '@sunlight/rosters';
import {
  cadreSelf,
  type RegistryKind,
  type RegistryRow,
  type RegistryRowSource,
} from './registries';

/*
 * The registry files of formats.md ("Registries from other departments"): per kind, its columns
 * with their Chinese and English headers, the matching of a file's header row to them, and the
 * reading of one line into a registry row, or its rejection naming the field and why. ID numbers
 * are normalised first (spaces, full-width characters, lowercase x) and must then be valid GB
 * 11643 numbers: a row whose number is not is rejected (it could never be matched, and matching
 * it as if valid could accuse the wrong person). Dates take the forms formats.md lists.
 */

type ValueKind = 'id' | 'text' | 'date';

export interface RegistryColumn {
  readonly field: string;
  readonly chinese: string;
  readonly kind: ValueKind;
  /** Whether a line must have a value here (the column itself is always required). */
  readonly required: boolean;
}

const column = (
  field: string,
  chinese: string,
  kind: ValueKind,
  required = true,
): RegistryColumn => ({
  field,
  chinese,
  kind,
  required,
});

export const registryColumns: Readonly<Record<RegistryKind, readonly RegistryColumn[]>> = {
  'public-servants': [
    column('id', '身份证号', 'id'),
    column('name', '姓名', 'text'),
    column('employer', '工作单位', 'text'),
    column('since', '入职日期', 'date', false),
  ],
  'village-cadres': [
    column('cadre_id', '村干部身份证号', 'id'),
    column('cadre_name', '村干部姓名', 'text'),
    // A cadre's own row leaves the relative's columns empty (or names the relation 本人).
    column('relative_id', '亲属身份证号', 'id', false),
    column('relative_name', '亲属姓名', 'text', false),
    column('relation', '关系', 'text', false),
  ],
  businesses: [
    column('registrant_id', '登记人身份证号', 'id'),
    column('name', '姓名', 'text'),
    column('type', '类型', 'text'),
    column('registered', '登记日期', 'date'),
  ],
  vehicles: [
    column('owner_id', '车主身份证号', 'id'),
    column('name', '姓名', 'text'),
    column('plate', '号牌', 'text'),
    column('type', '车辆类型', 'text'),
    column('registered', '登记日期', 'date'),
  ],
  property: [
    column('buyer_id', '购房人身份证号', 'id'),
    column('name', '姓名', 'text'),
    column('type', '房屋类型', 'text'),
    column('purchased', '购买日期', 'date'),
  ],
  deaths: [
    column('id', '身份证号', 'id'),
    column('name', '姓名', 'text'),
    column('died', '死亡日期', 'date'),
  ],
};

/** Which column of the file holds which field (unknown extra columns are ignored). */
export type RegistryHeaderMap = ReadonlyMap<number, RegistryColumn>;

export type RegistryHeaderProblem =
  | { kind: 'missing'; columns: readonly RegistryColumn[] }
  | { kind: 'duplicate'; headers: readonly string[] };

export function mapRegistryHeader(
  kind: RegistryKind,
  headers: readonly string[],
): RegistryHeaderMap | RegistryHeaderProblem {
  const byHeader = new Map<string, RegistryColumn>();
  for (const candidate of registryColumns[kind]) {
    byHeader.set(normaliseHeader(candidate.chinese), candidate);
    byHeader.set(normaliseHeader(candidate.field), candidate);
  }
  const map = new Map<number, RegistryColumn>();
  const seen = new Set<string>();
  const duplicates: string[] = [];
  headers.forEach((header, index) => {
    const found = byHeader.get(normaliseHeader(header));
    if (found === undefined) return;
    if (seen.has(found.field)) duplicates.push(header.trim());
    seen.add(found.field);
    map.set(index, found);
  });
  if (duplicates.length > 0) return { kind: 'duplicate', headers: duplicates };
  const missing = registryColumns[kind].filter((candidate) => !seen.has(candidate.field));
  if (missing.length > 0) return { kind: 'missing', columns: missing };
  return map;
}

export function isRegistryHeaderProblem(
  value: RegistryHeaderMap | RegistryHeaderProblem,
): value is RegistryHeaderProblem {
  return !(value instanceof Map);
}

/** `身份证号 / id` for each column of a kind, as a refusal lists the expected headers. */
export function expectedRegistryHeaders(kind: RegistryKind): string {
  return registryColumns[kind].map((c) => `${c.chinese} / ${c.field}`).join(', ');
}

export interface RegistryLineRejection {
  row: number;
  field: string;
  reason: string;
}

export type RegistryLine =
  { ok: true; row: RegistryRow } | { ok: false; rejection: RegistryLineRejection };

/** Names are kept as written, bounded; control characters are dropped. */
const textLengthMax = 200;

/**
 * One data line of a registry file (`source.row` is its 1-based data row) read through the
 * header map; the first problem found rejects it.
 */
export function readRegistryLine(
  kind: RegistryKind,
  header: RegistryHeaderMap,
  cells: readonly string[],
  source: RegistryRowSource,
): RegistryLine {
  const values: Record<string, string> = {};
  for (const [index, candidate] of header) {
    const raw = (cells[index] ?? '').trim();
    const reject = (reason: string): RegistryLine => ({
      ok: false,
      rejection: { row: source.row, field: candidate.field, reason },
    });
    if (raw === '') {
      if (candidate.required) return reject('is empty');
      continue;
    }
    if (candidate.kind === 'id') {
      const checked = validateIdNumber(normaliseRosterIdNumber(raw));
      if (!checked.ok) return reject(`is not a valid ID number: ${checked.message}`);
      values[candidate.field] = checked.idNumber;
    } else if (candidate.kind === 'date') {
      const day = parseRosterDate(raw);
      if (!day.ok) return reject(day.reason);
      values[candidate.field] = day.value;
    } else {
      // eslint-disable-next-line no-control-regex -- dropping control characters is the point
      values[candidate.field] = raw.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, textLengthMax);
    }
  }
  const base = { source, name: values.name ?? '' };
  const v = (field: string) => values[field] as string;
  switch (kind) {
    case 'public-servants':
      return {
        ok: true,
        row: {
          ...base,
          kind,
          idNumber: v('id'),
          employer: v('employer'),
          ...(values.since === undefined ? {} : { since: v('since') }),
        },
      };
    case 'village-cadres': {
      const relative = values.relative_id;
      if (relative !== undefined && values.relation === undefined)
        return {
          ok: false,
          rejection: { row: source.row, field: 'relation', reason: 'is empty for a relative' },
        };
      return {
        ok: true,
        row: {
          source,
          kind,
          name: v('cadre_name'),
          cadreIdNumber: v('cadre_id'),
          ...(relative === undefined ? {} : { relativeIdNumber: relative }),
          ...(values.relative_name === undefined ? {} : { relativeName: v('relative_name') }),
          relation: values.relation ?? cadreSelf,
        },
      };
    }
    case 'businesses':
      return {
        ok: true,
        row: {
          ...base,
          kind,
          idNumber: v('registrant_id'),
          type: v('type'),
          registered: v('registered'),
        },
      };
    case 'vehicles':
      return {
        ok: true,
        row: {
          ...base,
          kind,
          idNumber: v('owner_id'),
          plate: v('plate'),
          type: v('type'),
          registered: v('registered'),
        },
      };
    case 'property':
      return {
        ok: true,
        row: { ...base, kind, idNumber: v('buyer_id'), type: v('type'), purchased: v('purchased') },
      };
    case 'deaths':
      return { ok: true, row: { ...base, kind, idNumber: v('id'), died: v('died') } };
  }
}
