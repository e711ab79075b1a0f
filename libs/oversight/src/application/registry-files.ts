import type { BlobStore } from '@sunlight/blobs';
import { isAppError } from '@sunlight/kernel';
import {
  checkZipDirectory,
  detectCsvEncoding,
  openStoredRecords,
  RosterFileError,
  sniffBytes,
  sniffRosterFormat,
  type RosterRecord,
} from '@sunlight/rosters';
import {
  expectedRegistryHeaders,
  isRegistryHeaderProblem,
  mapRegistryHeader,
  type RegistryFile,
  type RegistryHeaderMap,
  type RegistryKind,
} from '../domain';
import { RegistryFileError } from '../oversight.errors';

/*
 * A stored registry file read as formats.md says: sniffed from its bytes (never its name), a ZIP
 * bomb refused before anything is unpacked, the header row matched to the kind's columns, then
 * the records streamed (the spreadsheet readers are the rosters' own).
 */

const zipTailBytes = 4 * 1024 * 1024;

/** What RegistrySnapshotUploaded records of a stored file, once its header row was checked. */
export async function inspectRegistryFile(
  blobs: BlobStore,
  kind: RegistryKind,
  stored: { sha256: string; bytes: number; name: string },
): Promise<RegistryFile> {
  const file = await asRegistryError(async () => {
    const head = await blobs.read(stored.sha256, 0, sniffBytes);
    const format = sniffRosterFormat(head);
    if (format === 'xlsx')
      checkZipDirectory(await blobs.read(stored.sha256, -zipTailBytes, zipTailBytes));
    const encoding = format === 'csv' ? detectCsvEncoding(head) : undefined;
    return {
      sha256: stored.sha256,
      name: stored.name,
      bytes: stored.bytes,
      format,
      ...(encoding === undefined ? {} : { encoding }),
    } satisfies RegistryFile;
  });
  const records = await openStoredRecords(blobs, file);
  try {
    await asRegistryError(async () => {
      const first = await records.iterator.next();
      headerOf(kind, first.done === true ? undefined : first.value);
    });
  } finally {
    records.close();
  }
  return file;
}

/** The header map and then each data record with its 1-based data row, streamed. */
export async function* registryRecords(
  blobs: BlobStore,
  kind: RegistryKind,
  file: RegistryFile,
): AsyncGenerator<{ header: RegistryHeaderMap; dataRow: number; record: RosterRecord }> {
  const records = await openStoredRecords(blobs, file);
  try {
    let header: RegistryHeaderMap | undefined;
    let dataRow = 0;
    for await (const record of { [Symbol.asyncIterator]: () => records.iterator }) {
      if (header === undefined) {
        header = headerOf(kind, record);
        continue;
      }
      dataRow += 1;
      yield { header, dataRow, record };
    }
  } finally {
    records.close();
  }
}

function headerOf(kind: RegistryKind, record: RosterRecord | undefined): RegistryHeaderMap {
  if (record === undefined) throw new RegistryFileError('has no header row and no lines');
  if (!('cells' in record)) throw new RegistryFileError(`header row ${record.unreadable}`);
  const mapped = mapRegistryHeader(kind, record.cells);
  if (!isRegistryHeaderProblem(mapped)) return mapped;
  if (mapped.kind === 'duplicate')
    throw new RegistryFileError(
      `has the column${mapped.headers.length > 1 ? 's' : ''} ${mapped.headers.join(', ')} twice; each column may appear once`,
    );
  const names = mapped.columns.map((c) => `${c.chinese} / ${c.field}`).join(', ');
  throw new RegistryFileError(
    `lacks the column${mapped.columns.length > 1 ? 's' : ''} ${names}; a ${kind} registry has the headers ${expectedRegistryHeaders(kind)}`,
  );
}

/** The spreadsheet readers' refusals and failures, as this context's 400. */
async function asRegistryError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RosterFileError)
      throw new RegistryFileError(error.message.replace(/^file /, ''));
    if (isAppError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RegistryFileError(`cannot be read: ${reason.slice(0, 200)}`);
  }
}
