import {
  DivisionDataError,
  isStatisticalDivisionLevel,
  StatisticalDivisionLevel,
} from './division';

export const divisionCsvHeader = ['code', 'name', 'level', 'parent_code'] as const;

export interface DivisionRecord {
  readonly code: string;
  readonly name: string;
  readonly level: StatisticalDivisionLevel;
  readonly parentCode: string | null;
  readonly source: string;
  readonly line: number;
}

interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

// RFC 4180 records, tracking the line each record starts on so errors can point at it.
function parseCsvRecords(text: string, source: string): CsvRecord[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let index = 0;

  const endRecord = (): void => {
    fields.push(field);
    // A blank line is not a record; trailing newlines are common in hand-edited files.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };

  while (index < body.length) {
    const char = body[index];
    if (char === '"') {
      if (field !== '') throw new DivisionDataError(source, line, 'quote inside an unquoted field');
      index += 1;
      for (;;) {
        if (index >= body.length)
          throw new DivisionDataError(source, recordLine, 'unterminated quoted field');
        const quoted = body[index];
        if (quoted === '"') {
          if (body[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        if (quoted === '\n') line += 1;
        field += quoted;
        index += 1;
      }
      const next = body[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new DivisionDataError(source, line, 'unexpected character after a closing quote');
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      index += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord();
      index += char === '\r' && body[index + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += char;
    index += 1;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

const digitsPattern = /^\d+$/;

export function parseDivisionCsv(text: string, source: string): DivisionRecord[] {
  const [header, ...rows] = parseCsvRecords(text, source);
  if (header === undefined) throw new DivisionDataError(source, 1, 'file is empty');
  const headerNames = header.fields.map((name) => name.trim());
  if (headerNames.join(',') !== divisionCsvHeader.join(',')) {
    throw new DivisionDataError(
      source,
      header.line,
      `header must be ${divisionCsvHeader.join(',')}, got ${headerNames.join(',')}`,
    );
  }
  return rows.map(({ fields, line }): DivisionRecord => {
    if (fields.length !== divisionCsvHeader.length) {
      throw new DivisionDataError(
        source,
        line,
        `expected ${divisionCsvHeader.length} fields, got ${fields.length}`,
      );
    }
    const [rawCode = '', rawName = '', rawLevel = '', rawParentCode = ''] = fields;
    const code = rawCode.trim();
    const name = rawName.trim();
    const level = rawLevel.trim();
    const parentCode = rawParentCode.trim();
    if (!digitsPattern.test(code))
      throw new DivisionDataError(source, line, `code ${JSON.stringify(code)} is not all digits`);
    if (name === '') throw new DivisionDataError(source, line, `division ${code} has no name`);
    if (!isStatisticalDivisionLevel(level)) {
      throw new DivisionDataError(
        source,
        line,
        `division ${code} has unknown level ${JSON.stringify(level)}`,
      );
    }
    if (parentCode !== '' && !digitsPattern.test(parentCode)) {
      throw new DivisionDataError(
        source,
        line,
        `parent code ${JSON.stringify(parentCode)} is not all digits`,
      );
    }
    return { code, name, level, parentCode: parentCode === '' ? null : parentCode, source, line };
  });
}
