import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { rosterColumnsMax } from '../domain';

/*
 * A stored roster file as a stream of records (arrays of cell texts) with their row numbers,
 * never held whole in memory. Cells are text exactly as written: a formula is its formula text
 * (`=HYPERLINK(…)`), never evaluated, never replaced by a cached result.
 */

export type RosterRecord =
  | { readonly row: number; readonly cells: readonly string[] }
  | { readonly row: number; readonly unreadable: string };

/** A CSV record longer than this is rejected as a line, not read. */
export const csvRecordBytesMax = 64 * 1024;

export async function* csvRecords(
  source: Readable,
  encoding: 'utf-8' | 'gb18030',
): AsyncGenerator<RosterRecord> {
  const skipped: { row: number; reason: string }[] = [];
  let row = 0;
  const parser = source.pipe(iconv.decodeStream(encoding, { stripBOM: true })).pipe(
    parse({
      bom: true,
      relax_column_count: true,
      relax_quotes: false,
      skip_empty_lines: true,
      max_record_size: csvRecordBytesMax,
      skip_records_with_error: true,
      on_skip: (error) => {
        skipped.push({ row: -1, reason: error?.message ?? 'cannot be read' });
        return undefined;
      },
    }),
  );
  for await (const record of parser as AsyncIterable<string[]>) {
    while (skipped.length > 0) {
      row += 1;
      yield { row, unreadable: `cannot be read as CSV: ${skipped.shift()?.reason ?? ''}` };
    }
    row += 1;
    if (isBlank(record)) {
      row -= 1;
      continue;
    }
    yield tooWide(row, record) ?? { row, cells: record };
  }
  while (skipped.length > 0) {
    row += 1;
    yield { row, unreadable: `cannot be read as CSV: ${skipped.shift()?.reason ?? ''}` };
  }
}

export async function* xlsxRecords(source: Readable): AsyncGenerator<RosterRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cells = rowCells(row as ExcelJS.Row);
      if (isBlank(cells)) continue;
      yield tooWide(row.number, cells) ?? { row: row.number, cells };
    }
    // The first worksheet is the roster (docs/formats.md); the rest are not read.
    break;
  }
}

function rowCells(row: ExcelJS.Row): string[] {
  // row.values is 1-based: index 0 is always empty.
  const values = (row.values as ExcelJS.CellValue[]).slice(1);
  return Array.from(values, (value) => cellText(value));
}

export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
    if ('sharedFormula' in value && typeof value.sharedFormula === 'string') {
      return `=${value.sharedFormula}`;
    }
    if ('richText' in value && Array.isArray(value.richText)) {
      return value.richText.map((part) => part.text).join('');
    }
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return String(value.error);
  }
  return '';
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

function tooWide(row: number, cells: readonly string[]): RosterRecord | undefined {
  if (cells.length <= rosterColumnsMax) return undefined;
  // Trailing empty cells (a sheet formatted far to the right) do not count.
  let used = cells.length;
  while (used > 0 && (cells[used - 1] ?? '').trim() === '') used -= 1;
  if (used <= rosterColumnsMax) return { row, cells: cells.slice(0, used) };
  return { row, unreadable: `has ${used} columns; a roster has at most ${rosterColumnsMax}` };
}
