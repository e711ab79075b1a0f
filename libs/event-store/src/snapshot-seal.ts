import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@sunlight/integrity';
import type { Snapshot } from './snapshot-store.port';

/**
 * A snapshot's seal: an HMAC-SHA256, under a key that is kept outside the database, over the
 * snapshot and the chain hash of the event it was folded up to. Whoever can write the snapshots
 * table (a DBA, the application's own role) cannot make a snapshot the app will load without
 * that key, nor move a genuine one onto a log whose event at that revision is another.
 */
export const snapshotSealBytes = 32;

export function sealSnapshot(key: string, snapshot: Snapshot, chainHash: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(
      canonicalJson({
        streamName: snapshot.streamName,
        revision: snapshot.revision.toString(),
        schemaVersion: snapshot.schemaVersion,
        chainHash: chainHash.toString('hex'),
        state: snapshot.state,
      }),
    )
    .digest();
}

/** Why a stored snapshot must not be loaded, or undefined when its seal holds. */
export function snapshotSealProblem(
  key: string,
  snapshot: Snapshot,
  stored: { seal: Buffer | null; chainHash: Buffer | null },
  eventChainHash: Buffer | null,
): string | undefined {
  if (stored.seal === null || stored.chainHash === null) return 'it carries no seal';
  if (eventChainHash === null) return `the log has no event at revision ${snapshot.revision}`;
  if (!stored.chainHash.equals(eventChainHash)) {
    return `it was taken of another event at revision ${snapshot.revision}`;
  }
  const expected = sealSnapshot(key, snapshot, eventChainHash);
  if (stored.seal.length !== expected.length || !timingSafeEqual(stored.seal, expected)) {
    return 'its seal does not match its content';
  }
  return undefined;
}
