/**
 * The read-store port: where projections keep their documents (read models) and checkpoints.
 * Adapters: PostgreSQL (JSONB, default) and MongoDB; both pass `testing/read-store.contract.ts`.
 *
 * A projection's documents live in collections named per projection *version*, so a rebuild can
 * fill version N+1 while version N keeps serving, then switch (`activateVersion`).
 */
import type { GlobalPosition } from '@sunlight/event-store';

/** A read-model document. `id` is unique within its collection; values are JSON. */
export interface ReadDocument {
  id: string;
  /** Position of the last event applied to this document; a replay skips events at or below it. */
  lastPosition: GlobalPosition;
  [field: string]: unknown;
}

export interface DocumentKey {
  collection: string;
  id: string;
}

/**
 * Equality (type-strict: `"2"` does not match `2`; `null` also matches a missing field), a
 * prefix match on a string field, or membership in a list. Keys of `where` and `sortBy` name a
 * top-level field or a dotted path into nested objects (`sort.disbursedFen`, at most four
 * fields); `id` names the document id.
 */
export type FieldCondition =
  string | number | boolean | null | { prefix: string } | { in: readonly (string | number)[] };

export interface FindQuery {
  where?: Record<string, FieldCondition>;
  /**
   * Field to sort by: numbers sort numerically, strings by code point, and documents
   * without the field come first in ascending order. Ties, and a query without `sortBy`, are
   * ordered by `id` in the same direction, so pages are stable.
   */
  sortBy?: string;
  direction?: 'asc' | 'desc';
  /** Bounded by `findLimitMax`; 0 returns only `total`. */
  limit: number;
  /** Bounded by `findOffsetMax`. */
  offset?: number;
  /** Reads this version instead of the active one (consistency checks, rebuild progress). */
  version?: number;
}

export const findLimitMax = 500;
export const findOffsetMax = 100_000;
/** Values in one `{ in: [...] }` condition. */
export const findInValuesMax = 500;
/** Keys in one `getMany` call. */
export const getManyKeysMax = 10_000;

/**
 * A field (or dotted path) of an index: a string field (the default, also right for booleans),
 * or a numeric one. The PostgreSQL adapter keeps JSONB documents and indexes typed expressions
 * of them, so it must know which, and trusts the declaration: in a field declared `string`, a
 * number matches and sorts as its text; in one declared `number`, a string sorts with the
 * missing values. MongoDB needs no types.
 */
export type ReadIndexField = string | { name: string; type: 'string' | 'number' };

/**
 * An index a projection's queries need, declared when the store is opened and created for
 * every version's collection: the fields a query matches by equality, `in` or prefix first,
 * the field it sorts by last (e.g. a division's children by disbursed amount:
 * `{ projection: 'dashboards', collection: 'divisions', fields: ['parentCode', { name: 'disbursedFen', type: 'number' }] }`).
 */
export interface ReadIndex {
  projection: string;
  collection: string;
  fields: readonly ReadIndexField[];
}

export interface FindResult<D extends ReadDocument = ReadDocument> {
  items: D[];
  total: number;
}

export interface ProjectionCheckpoint {
  /** Exclusive position to resume after; undefined for a projection that has applied nothing. */
  position: GlobalPosition | undefined;
  version: number;
}

/** The documents of one batch, written with the checkpoint as one unit. */
export interface ProjectionBatch {
  projection: string;
  version: number;
  /** Every document the batch changed, whole (an upsert by collection + id). */
  documents: { collection: string; document: ReadDocument }[];
  /** The position of the last event of the batch: the new checkpoint. */
  position: GlobalPosition;
}

export interface ReadStore {
  /** Documents by key, from the given projection version's collections. Missing keys are absent. */
  getMany(
    projection: string,
    version: number,
    keys: readonly DocumentKey[],
  ): Promise<Map<string, ReadDocument>>;
  /**
   * Reads from the active version of the projection. `D` is the shape the caller's projection
   * writes into that collection; the store does not check it.
   */
  get<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    id: string,
  ): Promise<D | undefined>;
  find<D extends ReadDocument = ReadDocument>(
    projection: string,
    collection: string,
    query: FindQuery,
  ): Promise<FindResult<D>>;
  /**
   * Writes the batch's documents and moves the checkpoint. PostgreSQL does both in one
   * transaction; MongoDB writes the documents first (each carrying `lastPosition`) and the
   * checkpoint after, so a crash in between replays events that the documents already skip.
   * A stored document is replaced only by one with a higher `lastPosition`, and the checkpoint
   * only moves forwards, so a slower concurrent writer never moves anything backwards.
   * Rejects with `ProjectionVersionRetiredError` when a newer version is active.
   */
  commitBatch(batch: ProjectionBatch): Promise<void>;
  checkpoint(projection: string, version: number): Promise<ProjectionCheckpoint>;
  /** The version queries read (`get`, `find`); undefined before the first activation. */
  activeVersion(projection: string): Promise<number | undefined>;
  /**
   * Switches reads to `version` and drops the collections and checkpoints of older versions.
   * Rejects with `ProjectionVersionRetiredError` for a version older than the active one.
   */
  activateVersion(projection: string, version: number): Promise<void>;
  /**
   * Removes a version's documents and checkpoint (a rebuild starts from an empty version).
   * Rejects with `ProjectionVersionActiveError` for the active version.
   */
  dropVersion(projection: string, version: number): Promise<void>;
  close(): Promise<void>;
}

/** `keyOf` is the string form of a key, as used in `getMany`'s result map. */
export function keyOf(key: DocumentKey): string {
  return `${key.collection}/${key.id}`;
}
