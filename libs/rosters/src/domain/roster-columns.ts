/*
 * The roster (花名册) columns of docs/formats.md, with their Chinese and English headers, and the
 * matching of a file's header row to them: trimmed, case-folded, without spaces and without a
 * full-width parenthesised note (`金额（元）` is `金额`).
 */

export const rosterFields = [
  'name',
  'id_number',
  'village_group',
  'bank_account',
  'amount',
  'household_id',
  'applied_on',
  'phone',
  'note',
] as const;
export type RosterField = (typeof rosterFields)[number];

export interface RosterColumn {
  readonly field: RosterField;
  readonly chinese: string;
  readonly required: boolean;
}

export const rosterColumns: readonly RosterColumn[] = [
  { field: 'name', chinese: '姓名', required: true },
  { field: 'id_number', chinese: '身份证号', required: true },
  { field: 'village_group', chinese: '村组', required: true },
  { field: 'bank_account', chinese: '银行账号', required: true },
  { field: 'amount', chinese: '金额', required: true },
  { field: 'household_id', chinese: '户编号', required: false },
  { field: 'applied_on', chinese: '申请日期', required: false },
  { field: 'phone', chinese: '联系电话', required: false },
  { field: 'note', chinese: '备注', required: false },
];

/** A header as it is compared: trimmed, case-folded, no spaces, no full-width （note）. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/（[^（）]*）/g, '')
    .replace(/[（）]/g, '')
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();
}

const fieldByHeader: ReadonlyMap<string, RosterField> = new Map(
  rosterColumns.flatMap((column) => [
    [normaliseHeader(column.chinese), column.field],
    [normaliseHeader(column.field), column.field],
  ]),
);

/** Which column of the file holds which field; other columns are kept as `extra`. */
export interface HeaderMap {
  readonly fields: ReadonlyMap<number, RosterField>;
  /** Unknown columns by index, with the header as written. */
  readonly extras: ReadonlyMap<number, string>;
}

export type HeaderProblem =
  | { readonly kind: 'missing'; readonly fields: readonly RosterField[] }
  | { readonly kind: 'duplicate'; readonly headers: readonly string[] }
  | { readonly kind: 'too_many_columns'; readonly count: number };

/** Columns one roster may have; a wider header row is refused, a wider data row rejected. */
export const rosterColumnsMax = 64;

export function mapHeader(headers: readonly string[]): HeaderMap | HeaderProblem {
  if (headers.length > rosterColumnsMax) return { kind: 'too_many_columns', count: headers.length };
  const fields = new Map<number, RosterField>();
  const extras = new Map<number, string>();
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  headers.forEach((header, index) => {
    const normalised = normaliseHeader(header);
    if (normalised === '') return;
    const field = fieldByHeader.get(normalised);
    const key = field ?? `extra:${normalised}`;
    if (seen.has(key)) {
      duplicates.push(header.trim());
      return;
    }
    seen.set(key, header);
    if (field === undefined) extras.set(index, header.trim());
    else fields.set(index, field);
  });
  if (duplicates.length > 0) return { kind: 'duplicate', headers: duplicates };
  const present = new Set(fields.values());
  const missing = rosterColumns
    .filter((column) => column.required && !present.has(column.field))
    .map((column) => column.field);
  if (missing.length > 0) return { kind: 'missing', fields: missing };
  return { fields, extras };
}

export function isHeaderProblem(value: HeaderMap | HeaderProblem): value is HeaderProblem {
  return 'kind' in value;
}

/** `姓名 / name` for each column, as a refusal lists the expected headers. */
export function expectedHeadersText(): string {
  return rosterColumns
    .map((column) => `${column.chinese} / ${column.field}${column.required ? '' : ' (optional)'}`)
    .join(', ');
}
