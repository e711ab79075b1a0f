import type { Readable } from 'node:stream';
import type { BlobStore } from '@sunlight/blobs';
import { csvRecords, xlsxRecords, type RosterRecord } from './roster-records';

/**
 * The records of a stored spreadsheet (CSV in its detected encoding, or XLSX's first sheet),
 * streamed from the blob store; `close` stops reading and releases the file.
 */
export async function openStoredRecords(
  blobs: BlobStore,
  file: { sha256: string; format: 'csv' | 'xlsx'; encoding?: 'utf-8' | 'gb18030' },
): Promise<{ iterator: AsyncGenerator<RosterRecord>; close(): void }> {
  const { stream } = await blobs.open(file.sha256);
  const source: Readable = stream;
  const iterator =
    file.format === 'xlsx' ? xlsxRecords(source) : csvRecords(source, file.encoding ?? 'utf-8');
  return {
    iterator,
    close: () => {
      void iterator.return(undefined);
      source.destroy();
    },
  };
}
