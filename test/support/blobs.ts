import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Whether the app's blob store under `dataDir` (the default BLOB_DIR) holds these bytes. */
export async function blobStored(dataDir: string, file: Buffer): Promise<boolean> {
  const sha256 = createHash('sha256').update(file).digest('hex');
  const where = path.join(dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  return stat(where).then(
    () => true,
    () => false,
  );
}
