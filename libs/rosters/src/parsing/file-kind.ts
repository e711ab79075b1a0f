import { RosterFileError, type RosterFileFormat } from '../domain';

/*
 * What an uploaded file really is, from its first bytes rather than its name: XLSX is a ZIP
 * container, CSV is text. Anything else (a PDF, an image, an old binary .xls) is refused.
 */

export const sniffBytes = 8_192;

export function sniffRosterFormat(head: Buffer): RosterFileFormat {
  if (head.length === 0) throw new RosterFileError('is empty');
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new RosterFileError('is an old Excel .xls workbook; save it as XLSX or CSV');
  }
  if (head.includes(0)) throw new RosterFileError('is neither CSV text nor an XLSX workbook');
  return 'csv';
}

/**
 * UTF-8 when the file starts with its BOM or its first bytes decode as UTF-8; otherwise GB18030,
 * which county offices' older spreadsheets save (and which GBK and GB2312 files are part of).
 */
export function detectCsvEncoding(head: Buffer): 'utf-8' | 'gb18030' {
  if (head.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) return 'utf-8';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    // stream: true leaves a character cut at the end of the sample undecided instead of failing.
    decoder.decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

export interface ZipLimits {
  /** All entries together, uncompressed. */
  readonly uncompressedBytesMax: number;
  /** Uncompressed to compressed, for an entry over 1 MB uncompressed. */
  readonly ratioMax: number;
}

export const xlsxLimits: ZipLimits = { uncompressedBytesMax: 300 * 1024 * 1024, ratioMax: 200 };

/**
 * Refuses a ZIP bomb before anything is decompressed: the central directory at the end of the file
 * declares every entry's sizes. ZIP64 entries (over 4 GB) are refused outright.
 */
export function checkZipDirectory(tail: Buffer, limits: ZipLimits = xlsxLimits): void {
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > tail.length)
    throw new RosterFileError('is not a readable XLSX workbook');
  const entries = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  let offset = end - directorySize;
  if (offset < 0)
    throw new RosterFileError('is not a readable XLSX workbook (directory too large)');
  let total = 0;
  for (let index = 0; index < entries; index += 1) {
    if (offset + 46 > tail.length || tail.readUInt32LE(offset) !== 0x02014b50) {
      throw new RosterFileError('is not a readable XLSX workbook');
    }
    const compressed = tail.readUInt32LE(offset + 20);
    const uncompressed = tail.readUInt32LE(offset + 24);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) {
      throw new RosterFileError('holds a ZIP64 entry; a roster workbook never needs one');
    }
    total += uncompressed;
    if (uncompressed > 1024 * 1024 && uncompressed > compressed * limits.ratioMax) {
      throw new RosterFileError(
        `expands ${Math.round(uncompressed / Math.max(compressed, 1))} times when unpacked (a ZIP bomb?)`,
      );
    }
    offset +=
      46 +
      tail.readUInt16LE(offset + 28) +
      tail.readUInt16LE(offset + 30) +
      tail.readUInt16LE(offset + 32);
  }
  if (total > limits.uncompressedBytesMax) {
    throw new RosterFileError(
      `unpacks to ${total} bytes; at most ${limits.uncompressedBytesMax} are read`,
    );
  }
}
