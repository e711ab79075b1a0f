import { InvalidFindQueryError } from './errors';
import {
  findInValuesMax,
  findLimitMax,
  findOffsetMax,
  getManyKeysMax,
  type DocumentKey,
  type FieldCondition,
  type FindQuery,
  type ProjectionBatch,
  type ReadDocument,
  type ReadIndex,
} from './read-store.port';

/**
 * Rules both adapters share, so that a query or a batch one adapter refuses the other refuses
 * too. Names are restricted because they become parts of table and collection names.
 */
const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
/** A field, or a dotted path of at most four fields into nested objects (`sort.disbursedFen`). */
const fieldPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,3}$/;
export const versionMax = 2_147_483_647;

/** A bug in the caller, not bad user input: fails loudly. */
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertProjectionName(name: string): void {
  assert(
    typeof name === 'string' && namePattern.test(name),
    `invalid projection name "${name}": letters, digits, _ and -, at most 40`,
  );
}

export function assertCollectionName(name: string): void {
  assert(
    typeof name === 'string' && namePattern.test(name),
    `invalid collection name "${name}": letters, digits, _ and -, at most 40`,
  );
}

export function assertVersion(version: number): void {
  assert(
    Number.isInteger(version) && version >= 1 && version <= versionMax,
    `invalid projection version ${version}`,
  );
}

export function assertKeys(keys: readonly DocumentKey[]): void {
  assert(
    keys.length <= getManyKeysMax,
    `getMany takes at most ${getManyKeysMax} keys, got ${keys.length}`,
  );
  for (const key of keys) {
    assertCollectionName(key.collection);
    assert(
      typeof key.id === 'string' && key.id.length > 0,
      `invalid document id in collection "${key.collection}"`,
    );
  }
}

export interface NormalizedIndex {
  projection: string;
  collection: string;
  fields: { name: string; type: 'string' | 'number' }[];
}

/** Declared indexes with explicit field types; one field has one type per collection. */
export function normalizeIndexes(indexes: readonly ReadIndex[]): NormalizedIndex[] {
  const types = new Map<string, 'string' | 'number'>();
  return indexes.map((index) => {
    assertProjectionName(index.projection);
    assertCollectionName(index.collection);
    assert(
      index.fields.length > 0 && index.fields.length <= 8,
      `index on ${index.collection} needs 1 to 8 fields`,
    );
    const fields = index.fields.map((field) =>
      typeof field === 'string' ? { name: field, type: 'string' as const } : { ...field },
    );
    for (const field of fields) {
      assert(
        fieldPattern.test(field.name) && field.name !== 'id' && !field.name.startsWith('id.'),
        `invalid index field "${field.name}"`,
      );
      const key = `${index.projection}/${index.collection}/${field.name}`;
      const known = types.get(key);
      assert(
        known === undefined || known === field.type,
        `field ${key} is declared both ${known} and ${field.type}`,
      );
      types.set(key, field.type);
    }
    return { projection: index.projection, collection: index.collection, fields };
  });
}

/** The declared type of each indexed field of one collection. */
export function declaredFieldTypes(
  indexes: readonly NormalizedIndex[],
  projection: string,
  collection: string,
): Map<string, 'string' | 'number'> {
  const types = new Map<string, 'string' | 'number'>();
  for (const index of indexes) {
    if (index.projection !== projection || index.collection !== collection) continue;
    for (const field of index.fields) types.set(field.name, field.type);
  }
  return types;
}

export type NormalizedCondition =
  | { kind: 'equals'; value: string | number | boolean | null }
  | { kind: 'prefix'; prefix: string; upperBound: string | undefined }
  | { kind: 'in'; strings: string[]; numbers: number[] };

export interface NormalizedFindQuery {
  where: { field: string; condition: NormalizedCondition }[];
  sortBy: string | undefined;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
  version: number | undefined;
}

/** Checks a query from the outside world; a bad one is an `InvalidFindQueryError` (a 400). */
export function normalizeFindQuery(query: FindQuery): NormalizedFindQuery {
  if (!Number.isInteger(query.limit) || query.limit < 0 || query.limit > findLimitMax) {
    throw new InvalidFindQueryError('limit', `must be an integer from 0 to ${findLimitMax}`);
  }
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > findOffsetMax) {
    throw new InvalidFindQueryError('offset', `must be an integer from 0 to ${findOffsetMax}`);
  }
  if (query.direction !== undefined && query.direction !== 'asc' && query.direction !== 'desc') {
    throw new InvalidFindQueryError('direction', 'must be asc or desc');
  }
  if (query.sortBy !== undefined && !fieldPattern.test(query.sortBy)) {
    throw new InvalidFindQueryError('sortBy', 'must name a field or a dotted path of fields');
  }
  if (
    query.version !== undefined &&
    !(Number.isInteger(query.version) && query.version >= 1 && query.version <= versionMax)
  ) {
    throw new InvalidFindQueryError('version', 'must be a positive integer');
  }
  const where = Object.entries(query.where ?? {}).map(([field, condition]) => {
    if (!fieldPattern.test(field))
      throw new InvalidFindQueryError(field, 'is not a field name or a dotted path of fields');
    return { field, condition: normalizeCondition(field, condition) };
  });
  return {
    where,
    sortBy: query.sortBy,
    direction: query.direction ?? 'asc',
    limit: query.limit,
    offset,
    version: query.version,
  };
}

function normalizeCondition(field: string, condition: FieldCondition): NormalizedCondition {
  if (condition === null || typeof condition === 'string' || typeof condition === 'boolean') {
    return { kind: 'equals', value: condition };
  }
  if (typeof condition === 'number') {
    if (!Number.isFinite(condition))
      throw new InvalidFindQueryError(field, 'must be a finite number');
    return { kind: 'equals', value: condition };
  }
  if (
    typeof condition === 'object' &&
    'prefix' in condition &&
    typeof condition.prefix === 'string'
  ) {
    return {
      kind: 'prefix',
      prefix: condition.prefix,
      upperBound: prefixUpperBound(condition.prefix),
    };
  }
  if (typeof condition === 'object' && 'in' in condition && Array.isArray(condition.in)) {
    if (condition.in.length > findInValuesMax)
      throw new InvalidFindQueryError(field, `takes at most ${findInValuesMax} values`);
    const strings: string[] = [];
    const numbers: number[] = [];
    for (const value of condition.in) {
      if (typeof value === 'string') strings.push(value);
      else if (typeof value === 'number' && Number.isFinite(value)) numbers.push(value);
      else throw new InvalidFindQueryError(field, 'in takes strings and finite numbers');
    }
    return { kind: 'in', strings, numbers };
  }
  throw new InvalidFindQueryError(
    field,
    'must be a string, number, boolean, null, { prefix } or { in }',
  );
}

/**
 * The least string greater than every string that starts with `prefix`, in code-point order
 * (which is also UTF-8 byte order, PostgreSQL's "C" collation): the prefix with its last code
 * point incremented. Undefined when no such string exists (an empty prefix, or only U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0) as number);
  while (codePoints.length > 0) {
    const last = codePoints.pop() as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1; // surrogates are not characters
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return undefined;
}

export interface BatchDocument {
  collection: string;
  document: ReadDocument;
}

/**
 * Checks a batch and keeps one document per key (the highest `lastPosition`, the later one on a
 * tie), because a database upsert may touch a row only once per statement.
 */
export function normalizeBatch(batch: ProjectionBatch): Map<string, BatchDocument[]> {
  assertProjectionName(batch.projection);
  assertVersion(batch.version);
  assert(
    typeof batch.position === 'string' && batch.position.length > 0,
    'a batch needs its position',
  );
  const byCollection = new Map<string, Map<string, ReadDocument>>();
  for (const { collection, document } of batch.documents) {
    assertCollectionName(collection);
    assert(
      typeof document.id === 'string' && document.id.length > 0,
      `a document of ${collection} has no id`,
    );
    assert(
      !('_id' in document),
      `document ${collection}/${document.id} has an _id field (reserved)`,
    );
    assert(
      typeof document.lastPosition === 'string' &&
        document.lastPosition.length > 0 &&
        document.lastPosition <= batch.position,
      `document ${collection}/${document.id} has lastPosition "${document.lastPosition}" beyond the batch position "${batch.position}"`,
    );
    let documents = byCollection.get(collection);
    if (!documents) {
      documents = new Map();
      byCollection.set(collection, documents);
    }
    const earlier = documents.get(document.id);
    if (!earlier || earlier.lastPosition <= document.lastPosition)
      documents.set(document.id, document);
  }
  const result = new Map<string, BatchDocument[]>();
  for (const [collection, documents] of byCollection) {
    result.set(
      collection,
      [...documents.values()].map((document) => ({ collection, document })),
    );
  }
  return result;
}
