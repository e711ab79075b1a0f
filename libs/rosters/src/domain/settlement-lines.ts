import { normaliseHeader } from './roster-columns';

/*
 * The bank settlement file of docs/formats.md: one line per payment, by Sunlight's transfer id,
 * with the bank's outcome (成功 / paid, 失败 / failed), the bank reference of a paid one and the
 * reason of a failed one. Headers match as a roster's do (trimmed, case-folded, no spaces).
 */

export const settlementFields = ['transfer_id', 'outcome', 'bank_reference', 'reason'] as const;
export type SettlementField = (typeof settlementFields)[number];

export const settlementColumns: readonly {
  readonly field: SettlementField;
  readonly chinese: string;
  readonly required: boolean;
}[] = [
  { field: 'transfer_id', chinese: '转账编号', required: true },
  { field: 'outcome', chinese: '结果', required: true },
  { field: 'bank_reference', chinese: '银行流水号', required: false },
  { field: 'reason', chinese: '失败原因', required: false },
];

const fieldByHeader: ReadonlyMap<string, SettlementField> = new Map(
  settlementColumns.flatMap((column) => [
    [normaliseHeader(column.chinese), column.field],
    [normaliseHeader(column.field), column.field],
  ]),
);

/** `转账编号 / transfer_id, …`, as a refusal lists the expected headers. */
export function expectedSettlementHeadersText(): string {
  return settlementColumns
    .map((column) => `${column.chinese} / ${column.field}${column.required ? '' : ' (optional)'}`)
    .join(', ');
}

/** Which column holds which field, or what is wrong with the header row. */
export function mapSettlementHeader(
  headers: readonly string[],
): ReadonlyMap<number, SettlementField> | { problem: string } {
  if (headers.length > 64) return { problem: `has ${headers.length} header columns; at most 64` };
  const fields = new Map<number, SettlementField>();
  const seen = new Set<SettlementField>();
  for (const [index, header] of headers.entries()) {
    const field = fieldByHeader.get(normaliseHeader(header));
    if (field === undefined) continue;
    if (seen.has(field)) return { problem: `has the column ${header.trim()} twice` };
    seen.add(field);
    fields.set(index, field);
  }
  const missing = settlementColumns.filter((column) => column.required && !seen.has(column.field));
  if (missing.length > 0) {
    return {
      problem: `lacks the required column${missing.length > 1 ? 's' : ''} ${missing
        .map((column) => `${column.chinese} / ${column.field}`)
        .join(', ')}; the expected headers are ${expectedSettlementHeadersText()}`,
    };
  }
  return fields;
}

export type SettlementLine =
  | {
      readonly row: number;
      readonly ok: true;
      readonly transferId: string;
      readonly outcome: 'paid';
      readonly bankReference: string;
    }
  | {
      readonly row: number;
      readonly ok: true;
      readonly transferId: string;
      readonly outcome: 'failed';
      readonly reason: string;
    }
  | { readonly row: number; readonly ok: false; readonly field: string; readonly reason: string };

const outcomes: ReadonlyMap<string, 'paid' | 'failed'> = new Map([
  ['成功', 'paid'],
  ['paid', 'paid'],
  ['失败', 'failed'],
  ['failed', 'failed'],
]);
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;
const textMax = 128;
const reasonMax = 500;

/**
 * One line of a settlement file, checked: the transfer id must be a line of this roster
 * (`<rosterId>-<row>`), the outcome one of the four words, a paid line needs its bank reference
 * and a failed one its reason.
 */
export function checkSettlementLine(
  row: number,
  cells: Partial<Record<SettlementField, string>>,
  rosterId: string,
): SettlementLine {
  const transferId = (cells.transfer_id ?? '').trim();
  if (transferId === '') return { row, ok: false, field: 'transfer_id', reason: 'is required' };
  const rosterRow = transferId.startsWith(`${rosterId}-`)
    ? transferId.slice(rosterId.length + 1)
    : '';
  if (!/^[1-9]\d{0,8}$/.test(rosterRow)) {
    return {
      row,
      ok: false,
      field: 'transfer_id',
      reason: `is not a payment of roster ${rosterId} (<rosterId>-<row>)`,
    };
  }
  const outcomeText = (cells.outcome ?? '').trim();
  const outcome = outcomes.get(outcomeText.toLowerCase());
  if (outcome === undefined) {
    return { row, ok: false, field: 'outcome', reason: 'must be 成功 / paid or 失败 / failed' };
  }
  if (outcome === 'paid') {
    const bankReference = (cells.bank_reference ?? '').trim();
    if (bankReference === '') {
      return { row, ok: false, field: 'bank_reference', reason: 'is required when paid' };
    }
    if (bankReference.length > textMax || controlCharacters.test(bankReference)) {
      return {
        row,
        ok: false,
        field: 'bank_reference',
        reason: `must be printable text of at most ${textMax} characters`,
      };
    }
    return { row, ok: true, transferId, outcome, bankReference };
  }
  const reason = (cells.reason ?? '').trim();
  if (reason === '') return { row, ok: false, field: 'reason', reason: 'is required when failed' };
  if (reason.length > reasonMax || controlCharacters.test(reason)) {
    return {
      row,
      ok: false,
      field: 'reason',
      reason: `must be printable text of at most ${reasonMax} characters`,
    };
  }
  return { row, ok: true, transferId, outcome, reason };
}
