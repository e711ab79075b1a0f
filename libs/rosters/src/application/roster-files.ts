import type { BlobStore } from '@sunlight/blobs';
import { isAppError } from '@sunlight/kernel';
import { RosterFileError, type RosterFile, type RosterLine } from '../domain';
import {
  checkZipDirectory,
  detectCsvEncoding,
  headerOf,
  openStoredRecords,
  rosterLines,
  sniffBytes,
  sniffRosterFormat,
} from '../parsing';

/** A ZIP's central directory sits in its last bytes; 4 MB holds thousands of entries. */
const zipTailBytes = 4 * 1024 * 1024;

/**
 * Reads a stored file as a roster: sniffs what it is (never trusting its name), refuses a ZIP
 * bomb before unpacking anything, and checks the header row. Answers what RosterUploaded records.
 */
export async function inspectRosterFile(
  blobs: BlobStore,
  stored: { sha256: string; bytes: number; name: string },
): Promise<RosterFile> {
  const head = await blobs.read(stored.sha256, 0, sniffBytes);
  const format = sniffRosterFormat(head);
  if (format === 'xlsx')
    checkZipDirectory(await blobs.read(stored.sha256, -zipTailBytes, zipTailBytes));
  const encoding = format === 'csv' ? detectCsvEncoding(head) : undefined;
  const file: RosterFile = {
    sha256: stored.sha256,
    name: stored.name,
    bytes: stored.bytes,
    format,
    ...(encoding === undefined ? {} : { encoding }),
  };
  const records = await openStoredRecords(blobs, file);
  try {
    const first = await records.iterator.next();
    headerOf(first.done === true ? undefined : first.value);
  } catch (error) {
    if (isAppError(error)) throw error;
    // The parsers' own failures: a damaged workbook, text that is not CSV.
    const reason = error instanceof Error ? error.message : String(error);
    throw new RosterFileError(`cannot be read as ${format.toUpperCase()}: ${reason.slice(0, 200)}`);
  } finally {
    records.close();
  }
  return file;
}

/** The data lines of a stored roster file, streamed. */
export async function* storedRosterLines(
  blobs: BlobStore,
  file: RosterFile,
): AsyncGenerator<RosterLine> {
  const records = await openStoredRecords(blobs, file);
  try {
    yield* rosterLines({ [Symbol.asyncIterator]: () => records.iterator });
  } finally {
    records.close();
  }
}
