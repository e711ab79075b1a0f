import { deflateRawSync, crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** Roster files as counties send them, built in memory for the tests. */

export function csvText(rows: readonly (readonly string[])[]): string {
  const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}

export function utf8Csv(rows: readonly (readonly string[])[], bom = false): Buffer {
  const body = Buffer.from(csvText(rows), 'utf8');
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

export function gb18030Csv(rows: readonly (readonly string[])[]): Buffer {
  return iconv.encode(csvText(rows), 'gb18030');
}

/** An XLSX whose cells are strings, except `{ formula }` cells, written as formulas. */
export async function xlsxFile(
  rows: readonly (readonly (string | number | { formula: string })[])[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  for (const row of rows) sheet.addRow(row.map((cell) => cell));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A one-entry ZIP whose entry unpacks to `uncompressedBytes` of zeros: a ZIP bomb. */
export function zipBomb(uncompressedBytes: number): Buffer {
  const content = Buffer.alloc(uncompressedBytes);
  const compressed = deflateRawSync(content, { level: 9 });
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(name.length, 28);
  const directoryOffset = local.length + name.length + compressed.length;
  const directory = Buffer.concat([central, name]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(directoryOffset, 16);
  return Buffer.concat([local, name, compressed, directory, end]);
}
