/**
 * Streams the KurrentDB adapter keeps for itself: the claim index, snapshots and processor
 * checkpoints. PostgreSQL keeps these in tables beside the log; KurrentDB has nothing but streams,
 * so they live in streams under one reserved prefix that the port hides (reads of `$all`,
 * subscriptions and the log's head skip them) and refuses to append to, so an application write
 * can neither forge a claim nor see another context's snapshot in a feed.
 */
import { createHash } from 'node:crypto';

export const storeStreamPrefix = 'sunlight-store-';

export type StoreStreamKind = 'claim' | 'snapshot' | 'checkpoint';

/**
 * The store stream for one claim key, snapshotted stream or processor. The name is hashed: a
 * claim key can be a person's ID number, which must not appear in a stream name (names show in
 * the server's UI and logs), and any key stays within the server's name rules whatever it holds.
 */
export function storeStreamName(kind: StoreStreamKind, name: string): string {
  return `${storeStreamPrefix}${kind}-${createHash('sha256').update(name, 'utf8').digest('hex')}`;
}

export function isStoreStream(streamName: string): boolean {
  return streamName.startsWith(storeStreamPrefix);
}

/**
 * The server-side filter for "the application's events": neither system streams (`$…`) nor the
 * store's own. A negative lookahead means the same in .NET (the server) and JavaScript, which is
 * how the unit test checks it.
 */
export const applicationStreamsRegex = `^(?!\\$|${storeStreamPrefix})`;

/**
 * A UUID (version 5 layout, SHA-256 based) fixed by its parts, so a retried write carries the
 * same ids and the server's idempotency sees a repeat rather than new events. Parts are joined
 * with ':'; callers pass parts that cannot hold one (hex names, UUIDs, numbers, type names).
 */
export function derivedEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join(':'), 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
