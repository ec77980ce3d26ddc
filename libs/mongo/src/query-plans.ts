/**
 * Which declared index serves a query, by the rules MongoDB's planner follows for an index scan:
 * the index's leading field is bound (by equality or `$in`, or a range on the first key), and a sort
 * continues the index right after its equality-bound keys (in its order or wholly reversed), so no
 * query reads a whole collection and no page is sorted in memory. Fields the index lacks are then
 * filtered on the documents the bounded scan fetches. An equality on every field of a unique index
 * (`_id` included) reads at most one document, whatever else the filter says. The local MongoDB-protocol server answers `explain` with its own plans (FerretDB 1.x
 * serves only `_id` equality from an index), so the adapters' queries are checked against these
 * rules instead: what a real MongoDB would do with the indexes the adapters create.
 */

export type Direction = 1 | -1;

export interface IndexSpec {
  keys: [string, Direction][];
  unique: boolean;
}

/** A read or the filter of a write as the adapters send it. */
export interface QueryShape {
  collection: string;
  op: string;
  filter: Record<string, unknown>;
  sort?: Record<string, Direction>;
}

/** Served by an index; a read of one document or a reset that means the whole collection; a scan. */
export type Plan = { index: string } | { whole: string } | { scan: string };

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte', '$ne', '$nin', '$exists', '$type']);
const ONE_VALUE = new Set(['$eq', '$in']);

interface Bounds {
  eq: Set<string>;
  /** Filtered in the index, not a point: ranges, `$ne`, `$exists`. */
  other: Set<string>;
  /** Alternatives that must each be served: `$or` branches. */
  or: Record<string, unknown>[][];
  /** Something no index serves (`$expr`, `$where`, `$nor`). */
  opaque: string[];
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function bounds(
  filter: Record<string, unknown>,
  into: Bounds = { eq: new Set(), other: new Set(), or: [], opaque: [] },
): Bounds {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and') for (const part of value as Record<string, unknown>[]) bounds(part, into);
    else if (field === '$or') into.or.push(value as Record<string, unknown>[]);
    else if (field.startsWith('$')) into.opaque.push(field);
    else if (!isOperatorObject(value)) into.eq.add(field);
    else {
      const ops = Object.keys(value);
      if (ops.some((op) => ONE_VALUE.has(op))) into.eq.add(field);
      else if (ops.every((op) => RANGE.has(op))) into.other.add(field);
      else into.opaque.push(`${field}: ${ops.join(', ')}`);
    }
  }
  return into;
}

/** The filter with its `$or` alternatives left out, at the top and inside `$and`. */
function withoutOr(filter: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$or') continue;
    out[field] = field === '$and' ? (value as Record<string, unknown>[]).map(withoutOr) : value;
  }
  return out;
}

const describeIndex = (index: IndexSpec): string =>
  `{${index.keys.map(([k, d]) => `${k}: ${d}`).join(', ')}}${index.unique ? ' unique' : ''}`;

/** Why `index` cannot serve the filter bounds and sort, or null when it can. */
function refusal(index: IndexSpec, b: Bounds, sort: [string, Direction][]): string | null {
  const keys = index.keys;
  let prefix = 0;
  while (prefix < keys.length && b.eq.has(keys[prefix]![0])) prefix++;
  if (index.unique && prefix === keys.length) return null;
  const bounded = prefix > 0 || (keys[0] !== undefined && b.other.has(keys[0][0]));
  const sortRest = sort.filter(([field]) => !b.eq.has(field));
  // With no filter at all, an index still serves a sort on its leading keys: the walk in index
  // order that a list of a whole (small) collection needs.
  const unfiltered = b.eq.size === 0 && b.other.size === 0;
  if (!bounded && !(unfiltered && sortRest.length > 0)) return 'its first key is not bound';
  if (sortRest.length > 0) {
    const following = keys.slice(prefix, prefix + sortRest.length);
    if (following.length < sortRest.length) return 'the sort runs past its keys';
    const flip = following[0]![1] === sortRest[0]![1] ? 1 : -1;
    for (let i = 0; i < sortRest.length; i++) {
      if (following[i]![0] !== sortRest[i]![0] || following[i]![1] * flip !== sortRest[i]![1])
        return 'the sort does not follow its bound keys';
    }
  }
  return null;
}

/** The index that serves `query`, or why every one of `indexes` (the `_id` index included) fails. */
export function planOf(query: QueryShape, indexes: readonly IndexSpec[]): Plan {
  if (Object.keys(query.filter).length === 0 && !query.sort) {
    // Whether a collection has any document at all, and a reset (replay) that empties it.
    if (query.op === 'findOne') return { whole: 'the first document' };
    if (query.op === 'deleteMany') return { whole: 'a reset of the collection' };
  }
  const b = bounds(query.filter);
  if (b.opaque.length > 0) return { scan: `no index serves ${b.opaque.join('; ')}` };
  const sort = Object.entries<Direction>(query.sort ?? {});
  // Every `$or` branch needs an index of its own, together with the rest of the filter.
  if (b.or.length > 0) {
    const rest = withoutOr(query.filter);
    for (const branches of b.or)
      for (const branch of branches) {
        const plan = planOf({ ...query, filter: { $and: [rest, branch] } }, indexes);
        if ('scan' in plan) return plan;
      }
    return { index: '$or branches' };
  }
  // Of the indexes that serve, the planner favours the one that binds the most keys.
  const reasons: string[] = [];
  let best: { index: IndexSpec; bound: number } | null = null;
  for (const index of indexes) {
    const why = refusal(index, b, sort);
    if (why !== null) {
      reasons.push(`${describeIndex(index)}: ${why}`);
      continue;
    }
    const bound = index.keys.filter(([k]) => b.eq.has(k) || b.other.has(k)).length;
    if (!best || bound > best.bound) best = { index, bound };
  }
  return best ? { index: describeIndex(best.index) } : { scan: reasons.join('; ') || 'no index' };
}

/**
 * The filters and sorts inside one collection call as the driver receives it (mongoose's debug hook
 * sees the same): find, counts, updates, deletes, findOneAnd*, bulkWrite and an aggregation's
 * leading `$match`/`$sort`. Inserts and index management carry no filter and give nothing.
 */
export function shapesOf(collection: string, op: string, args: readonly unknown[]): QueryShape[] {
  const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const sortOf = (options: unknown): Record<string, Direction> | undefined => {
    const sort = obj(options)['sort'];
    return sort && typeof sort === 'object' ? (sort as Record<string, Direction>) : undefined;
  };
  const shape = (filter: unknown, options?: unknown, name = op): QueryShape => {
    const s: QueryShape = { collection, op: name, filter: obj(filter) };
    const sort = sortOf(options);
    if (sort) s.sort = sort;
    return s;
  };
  switch (op) {
    case 'find':
    case 'findOne':
    case 'countDocuments':
    case 'deleteOne':
    case 'deleteMany':
      return [shape(args[0], args[1])];
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne':
    case 'findOneAndUpdate':
    case 'findOneAndReplace':
      return [shape(args[0], args[2])];
    case 'findOneAndDelete':
      return [shape(args[0], args[1])];
    case 'distinct':
      return [shape(args[1], args[2])];
    case 'bulkWrite':
      return (args[0] as Record<string, Record<string, unknown>>[]).flatMap((entry) => {
        const [kind, body] = Object.entries(entry)[0]!;
        return 'filter' in body ? [shape(body['filter'], body, `bulkWrite.${kind}`)] : [];
      });
    case 'aggregate': {
      const stages = args[0] as Record<string, unknown>[];
      const match = stages[0]?.['$match'];
      const next = match === undefined ? stages[0] : stages[1];
      const sort = next?.['$sort'] as Record<string, Direction> | undefined;
      return [shape(match ?? {}, sort ? { sort } : undefined)];
    }
    default:
      return [];
  }
}
