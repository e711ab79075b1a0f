import { ProjectionApplyError } from './errors';
import type { AllFilter, GlobalPosition, RecordedEvent } from '@sunlight/event-store';
import { canonicalJson } from '@sunlight/integrity';
import type { Projection } from './projection';
import { keyOf, type DocumentKey, type ReadDocument, type ReadStore } from './read-store.port';

/** Whether the event passes the projection's filter (as the event store applies it). */
export function matchesFilter(filter: AllFilter, event: RecordedEvent): boolean {
  const value = filter.on === 'eventType' ? event.type : event.streamName;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

/**
 * Applies events to the documents they touch, in order, skipping an event for a document that
 * already contains it (`lastPosition >= position`). The runner and `recompute` share it, so a
 * live projection and an in-memory fold cannot disagree. `documents` is updated in place and the
 * keys it changed are returned.
 */
export function applyEvents(
  projection: Projection,
  documents: Map<string, ReadDocument>,
  events: readonly { event: RecordedEvent; keys: readonly DocumentKey[] }[],
): Map<string, DocumentKey> {
  const changed = new Map<string, DocumentKey>();
  for (const { event, keys } of events) {
    const ids = keys.map(keyOf);
    const originals = ids.map((id) => documents.get(id));
    const before = (key: DocumentKey): ReadDocument | undefined => {
      const index = ids.indexOf(keyOf(key));
      return index < 0 ? undefined : originals[index];
    };
    keys.forEach((key, index) => {
      const id = ids[index] as string;
      const current = originals[index];
      if (current !== undefined && current.lastPosition >= event.position) return;
      let next: ReadDocument;
      try {
        next = projection.apply(current, event, key, before) as ReadDocument;
      } catch (error) {
        throw new ProjectionApplyError(projection.name, event.position, event.type, error);
      }
      if (next === current)
        throw new Error(
          `projection ${projection.name} returned ${id} itself: apply must return a new document`,
        );
      // `next` is new and the projection's to give away: id and position are set on it in place.
      next.id = key.id;
      next.lastPosition = event.position;
      documents.set(id, next);
      changed.set(id, key);
    });
  }
  return changed;
}

/** The projection's documents folded in memory from `events` (filtered here as the store would). */
export async function recompute(
  projection: Projection,
  events: AsyncIterable<RecordedEvent>,
): Promise<Map<string, ReadDocument>> {
  return foldInto(projection, new Map<string, ReadDocument>(), events);
}

/** Folds further `events` into `documents` (in place) and returns it. */
async function foldInto(
  projection: Projection,
  documents: Map<string, ReadDocument>,
  events: AsyncIterable<RecordedEvent>,
): Promise<Map<string, ReadDocument>> {
  for await (const event of events) {
    if (!matchesFilter(projection.filter, event)) continue;
    applyEvents(projection, documents, [{ event, keys: uniqueKeys(projection.keysOf(event)) }]);
  }
  return documents;
}

/** Keys of one event without repeats, in their first order. */
export function uniqueKeys(keys: readonly DocumentKey[]): DocumentKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = keyOf(key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export interface ProjectionDifference {
  /** `collection/id` */
  key: string;
  kind: 'missing' | 'different' | 'countDiffers';
  expected?: unknown;
  actual?: unknown;
}

export interface CompareWithStoreOptions {
  readStore: ReadStore;
  projection: string;
  version: number;
  /** From `recompute`. */
  expected: ReadonlyMap<string, ReadDocument>;
  /** Stop listing after this many differences; default 100. */
  differencesMax?: number;
  /** Compare only these documents (`collection/id`); the per-collection counts are always compared. */
  keys?: ReadonlySet<string>;
}

const compareChunkKeys = 500;
const differencesMaxDefault = 100;

/**
 * Compares a recomputed projection with what the store holds for `version`: every expected
 * document must be there and equal (JSON-equal, key order aside), and each collection must hold
 * no more documents than expected. Returns at most `differencesMax` differences.
 */
export async function compareWithStore(
  options: CompareWithStoreOptions,
): Promise<{ checked: number; differences: ProjectionDifference[] }> {
  const differencesMax = options.differencesMax ?? differencesMaxDefault;
  const differences: ProjectionDifference[] = [];
  const entries = [...options.expected.entries()].filter(
    ([key]) => options.keys === undefined || options.keys.has(key),
  );
  const countByCollection = new Map<string, number>();
  let checked = 0;
  for (
    let start = 0;
    start < entries.length && differences.length < differencesMax;
    start += compareChunkKeys
  ) {
    const chunk = entries.slice(start, start + compareChunkKeys);
    const keys = chunk.map(([key, document]) => ({
      collection: collectionOf(key),
      id: document.id,
    }));
    const stored = await options.readStore.getMany(options.projection, options.version, keys);
    for (const [key, document] of chunk) {
      checked += 1;
      const actual = stored.get(key);
      if (actual === undefined) differences.push({ key, kind: 'missing', expected: document });
      else if (canonicalJson(actual) !== canonicalJson(document))
        differences.push({ key, kind: 'different', expected: document, actual });
      if (differences.length >= differencesMax) break;
    }
  }
  for (const key of options.expected.keys()) {
    const collection = collectionOf(key);
    countByCollection.set(collection, (countByCollection.get(collection) ?? 0) + 1);
  }
  for (const [collection, expectedCount] of countByCollection) {
    if (differences.length >= differencesMax) break;
    const { total } = await options.readStore.find(options.projection, collection, {
      limit: 0,
      version: options.version,
    });
    if (total !== expectedCount)
      differences.push({
        key: `${collection}/*`,
        kind: 'countDiffers',
        expected: expectedCount,
        actual: total,
      });
  }
  return { checked, differences };
}

export interface CheckReadModelOptions {
  readStore: ReadStore;
  projection: Projection;
  version: number;
  /** The log's events after `after` (exclusive; from the first when undefined) up to and including `upTo`. */
  events(after: GlobalPosition | undefined, upTo: GlobalPosition): AsyncIterable<RecordedEvent>;
  /** Comparisons at most, each at a later checkpoint; default 5. */
  roundsMax?: number;
  differencesMax?: number;
}

export const checkRoundsMaxDefault = 5;

/**
 * Recomputes the projection from the log up to its stored checkpoint and compares it with the
 * stored documents. The documents are read after the checkpoint, so on a live system a batch
 * committed in between makes documents look ahead of the recomputation. Differences are thus
 * compared again at the next checkpoint (folding only the events since), until none remain, the
 * checkpoint stops moving (what differs then really does) or `roundsMax` comparisons were made.
 */
export async function checkReadModel(options: CheckReadModelOptions): Promise<{
  position: GlobalPosition | undefined;
  checked: number;
  differences: ProjectionDifference[];
  rounds: number;
}> {
  const { readStore, projection, version } = options;
  const roundsMax = options.roundsMax ?? checkRoundsMaxDefault;
  let { position } = await readStore.checkpoint(projection.name, version);
  const expected = new Map<string, ReadDocument>();
  if (position !== undefined)
    await foldInto(projection, expected, options.events(undefined, position));
  const compare = (keys?: ReadonlySet<string>) =>
    compareWithStore({
      readStore,
      projection: projection.name,
      version,
      expected,
      keys,
      differencesMax: options.differencesMax,
    });
  const first = await compare();
  let differences = first.differences;
  let rounds = 1;
  while (differences.length > 0 && rounds < roundsMax) {
    const next = (await readStore.checkpoint(projection.name, version)).position;
    if (next === undefined || next === position) break;
    await foldInto(projection, expected, options.events(position, next));
    position = next;
    ({ differences } = await compare(new Set(differences.map((difference) => difference.key))));
    rounds += 1;
  }
  return { position, checked: first.checked, differences, rounds };
}

/** Collection names hold no `/`, so a key's collection ends at its first one. */
function collectionOf(key: string): string {
  return key.slice(0, key.indexOf('/'));
}
