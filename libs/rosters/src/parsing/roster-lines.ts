import {
  expectedHeadersText,
  isHeaderProblem,
  mapHeader,
  RosterFileError,
  rosterColumns,
  type HeaderMap,
  type HeaderProblem,
  type RosterField,
  type RosterLine,
} from '../domain';
import type { RosterRecord } from './roster-records';

/** The header row (the first record) matched to the roster's columns, or a 400 naming what is wrong. */
export function headerOf(record: RosterRecord | undefined): HeaderMap {
  if (record === undefined) throw new RosterFileError('has no header row and no lines');
  if (!('cells' in record)) throw new RosterFileError(`header row ${record.unreadable}`);
  const mapped = mapHeader(record.cells);
  if (isHeaderProblem(mapped)) throw new RosterFileError(headerProblemText(mapped));
  return mapped;
}

function headerProblemText(problem: HeaderProblem): string {
  switch (problem.kind) {
    case 'missing': {
      const names = problem.fields.map((field) => {
        const column = rosterColumns.find((candidate) => candidate.field === field);
        return `${column?.chinese ?? ''} / ${field}`;
      });
      return `lacks the required column${names.length > 1 ? 's' : ''} ${names.join(', ')}; the expected headers are ${expectedHeadersText()}`;
    }
    case 'duplicate':
      return `has the column${problem.headers.length > 1 ? 's' : ''} ${problem.headers.join(', ')} twice; each column may appear once`;
    case 'too_many_columns':
      return `has ${problem.count} header columns; a roster has at most 64`;
  }
}

/** The data lines after the header, each with its cells by field and its unknown columns. */
export async function* rosterLines(
  records: AsyncIterable<RosterRecord>,
): AsyncGenerator<RosterLine> {
  let header: HeaderMap | undefined;
  for await (const record of records) {
    if (header === undefined) {
      header = headerOf(record);
      continue;
    }
    if (!('cells' in record)) {
      yield { row: record.row, cells: {}, extra: {}, unreadable: record.unreadable };
      continue;
    }
    yield toLine(record.row, record.cells, header);
  }
  if (header === undefined) headerOf(undefined);
}

function toLine(row: number, cells: readonly string[], header: HeaderMap): RosterLine {
  const byField: Partial<Record<RosterField, string>> = {};
  const extra: Record<string, string> = {};
  cells.forEach((cell, index) => {
    const field = header.fields.get(index);
    if (field !== undefined) byField[field] = cell;
    else {
      const name = header.extras.get(index);
      if (name !== undefined && cell.trim() !== '') extra[name] = cell;
    }
  });
  return { row, cells: byField, extra };
}
