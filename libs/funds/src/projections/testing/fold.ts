import type { AllFilter, RecordedEvent } from '@sunlight/event-store';
import type { Projection } from '@sunlight/read-store';
import {
  type DocumentKey,
  type FieldCondition,
  type FindQuery,
  keyOf,
  type ReadDocument,
} from '@sunlight/read-store';

/**
 * A projection folded in memory the way the runner does it: the filter, `keysOf`, the skip rule
 * (an event at or below a document's `lastPosition` is not applied again), then `id` and
 * `lastPosition` set on what `apply` returns. Documents pass through JSON, as a store keeps them,
 * and are frozen before `apply` sees them, so a projection that mutates or stores a bigint fails.
 */
export function foldProjection(
  projection: Projection,
  events: readonly RecordedEvent[],
  documents: ReadonlyMap<string, ReadDocument> = new Map(),
): Map<string, ReadDocument> {
  const folded = new Map(documents);
  for (const event of events) {
    if (!passes(projection.filter, event)) continue;
    const frozenEvent = deepFreeze(structuredClone(event));
    const keys = projection.keysOf(frozenEvent);
    const originals = new Map(keys.map((key) => [keyOf(key), folded.get(keyOf(key))]));
    const before = (key: DocumentKey) => originals.get(keyOf(key));
    for (const key of keys) {
      const current = folded.get(keyOf(key));
      if (current !== undefined && current.lastPosition >= event.position) continue;
      const next = projection.apply(current, frozenEvent, key, before);
      const stored = JSON.parse(
        JSON.stringify({ ...next, id: key.id, lastPosition: event.position }),
      ) as ReadDocument;
      folded.set(keyOf(key), deepFreeze(stored));
    }
  }
  return folded;
}

/** The documents of one collection, as `find` would list them (by id). */
export function documentsOf<Document>(
  documents: ReadonlyMap<string, ReadDocument>,
  collection: string,
): Document[] {
  return [...documents.entries()]
    .filter(([key]) => key.startsWith(`${collection}/`))
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([, document]) => document as unknown as Document);
}

export function documentOf<Document>(
  documents: ReadonlyMap<string, ReadDocument>,
  collection: string,
  id: string,
): Document {
  const document = documents.get(keyOf({ collection, id }));
  if (document === undefined) throw new Error(`no document ${collection}/${id}`);
  return document as unknown as Document;
}

/** `ReadStore.find` over folded documents: equality, prefix and `in` conditions, sort, offset, limit. */
export function findDocuments<Document>(
  documents: ReadonlyMap<string, ReadDocument>,
  collection: string,
  query: FindQuery,
): { items: Document[]; total: number } {
  const matching = documentsOf<ReadDocument>(documents, collection).filter((document) =>
    Object.entries(query.where ?? {}).every(([field, condition]) =>
      satisfies(document[field], condition),
    ),
  );
  if (query.sortBy !== undefined) {
    const field = query.sortBy;
    const sign = query.direction === 'desc' ? -1 : 1;
    matching.sort((left, right) => sign * compare(left[field], right[field]));
  }
  const offset = query.offset ?? 0;
  return {
    items: matching.slice(offset, offset + query.limit) as unknown as Document[],
    total: matching.length,
  };
}

function satisfies(value: unknown, condition: FieldCondition): boolean {
  if (condition !== null && typeof condition === 'object') {
    if ('prefix' in condition)
      return typeof value === 'string' && value.startsWith(condition.prefix);
    return (condition.in as readonly unknown[]).includes(value);
  }
  return value === condition;
}

function compare(left: unknown, right: unknown): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function passes(filter: AllFilter, event: RecordedEvent): boolean {
  const value = filter.on === 'streamName' ? event.streamName : event.type;
  return filter.prefixes.some((prefix) => value.startsWith(prefix));
}

function deepFreeze<Value>(value: Value): Value {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
