import { shortLivedPool } from './short-lived-pool';
import { BlobStore, sha256Pattern } from '@sunlight/blobs';

/*
 * The blob store checked against its names and against the log: every stored file is re-hashed
 * (its bytes must still be the SHA-256 it is named by), and every file an event names (a roster's
 * file, a registry snapshot's file, a project photo and its thumbnail) must be there.
 */

export interface BlobFinding {
  sha256: string;
  problem: 'changed' | 'missing';
  /** For a changed file, the SHA-256 of the bytes now under its name. */
  actualSha256?: string;
  /** For a missing file, the stream of the first event that names it. */
  namedBy?: string;
}

export interface BlobCheckResult {
  /** Files re-hashed. */
  checked: number;
  /** Distinct files the log names. */
  referenced: number;
  findings: BlobFinding[];
}

export interface BlobCheckOptions {
  connectionString: string;
  blobDir: string;
}

/** Which fields (JSON paths in the data) of which events name a stored file. */
const referencingEvents: Record<string, readonly string[]> = {
  RosterUploaded: ['fileSha256'],
  PhotoAdded: ['sha256', 'thumbnailSha256'],
  RegistrySnapshotUploaded: ['file,sha256'],
};

export async function checkBlobs(options: BlobCheckOptions): Promise<BlobCheckResult> {
  const store = new BlobStore(options.blobDir);
  const findings: BlobFinding[] = [];
  const stored = new Set<string>();
  let checked = 0;
  for await (const name of store.list()) {
    if (!sha256Pattern.test(name)) continue;
    stored.add(name);
    checked += 1;
    const result = await store.verify(name);
    if (result.status === 'mismatch') {
      findings.push({ sha256: name, problem: 'changed', actualSha256: result.actualSha256 });
    }
  }
  const referenced = await referencedBlobs(options.connectionString);
  for (const [sha256, streamName] of referenced) {
    if (!stored.has(sha256)) findings.push({ sha256, problem: 'missing', namedBy: streamName });
  }
  return { checked, referenced: referenced.size, findings };
}

/** Every SHA-256 the log names as a stored file, with the stream that first named it. */
async function referencedBlobs(connectionString: string): Promise<Map<string, string>> {
  const pool = shortLivedPool(connectionString);
  const referenced = new Map<string, string>();
  try {
    const fields = [...new Set(Object.values(referencingEvents).flat())];
    const { rows } = await pool.query<Record<string, string | null> & { stream_name: string }>(
      `SELECT stream_name, ${fields.map((field, i) => `data #>> '{${field}}' AS f${i}`).join(', ')}
         FROM events WHERE type = ANY($1) ORDER BY position`,
      [Object.keys(referencingEvents)],
    );
    for (const row of rows) {
      fields.forEach((_field, i) => {
        const sha256 = row[`f${i}`];
        if (typeof sha256 === 'string' && sha256Pattern.test(sha256) && !referenced.has(sha256)) {
          referenced.set(sha256, row.stream_name);
        }
      });
    }
    return referenced;
  } finally {
    await pool.end();
  }
}
