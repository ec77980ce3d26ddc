import { mongo, type AnyBulkWriteOperation, type Model } from 'mongoose';

const DUPLICATE_KEY = 11000;

/** A single write that failed only because the key already exists. */
export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof mongo.MongoServerError &&
  !(err instanceof mongo.MongoBulkWriteError) &&
  err.code === DUPLICATE_KEY;

/** The indexes of the failed writes of a bulk error, or null when anything but a duplicate key failed. */
function duplicateIndexes(err: unknown): number[] | null {
  if (!(err instanceof mongo.MongoBulkWriteError)) return null;
  if (err.result.getWriteConcernError()) return null;
  const failed = ([] as mongo.WriteError[]).concat(err.writeErrors);
  if (failed.length === 0 || failed.some((w) => w.code !== DUPLICATE_KEY)) return null;
  return failed.map((w) => w.index);
}

/**
 * Inserts the documents that do not exist yet and returns the indexes of those that did. Inserts are
 * unordered, so one existing document does not stop the rest. Any other failure throws.
 */
export async function insertNew<T extends mongo.Document>(
  model: Model<T>,
  docs: readonly T[],
): Promise<number[]> {
  if (docs.length === 0) return [];
  try {
    // The driver's own insert: its error lists failed writes by their index in `docs`, which the
    // callers rely on. It also adds `_id` to the objects it is given; copies leave the caller's alone.
    await model.collection.insertMany(
      docs.map((d) => ({ ...d })),
      { ordered: false },
    );
    return [];
  } catch (err) {
    const existing = duplicateIndexes(err);
    if (!existing) throw err;
    // Should the server ever misreport which writes failed, treat every document as possibly
    // existing: callers follow up with guarded updates, which are harmless on fresh documents.
    const inserted = (err as mongo.MongoBulkWriteError).insertedCount;
    if (inserted + existing.length !== docs.length) return docs.map((_, i) => i);
    return existing;
  }
}

/**
 * Runs an idempotent upsert-only write again when it lost an insert race: two upserts of the same
 * new `_id` can both try to insert, and the loser sees a duplicate key; the retry then matches.
 */
export async function retryingDuplicates<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= 3 || !(isDuplicateKey(err) || duplicateIndexes(err))) throw err;
    }
  }
}

/** The next integer id of a sequence; ids are never reused, a failed create leaves a gap. */
export async function nextId(counters: Model<{ _id: string; seq: number }>, name: string): Promise<number> {
  const doc = await retryingDuplicates(() =>
    counters
      .findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, new: true })
      .lean()
      .exec(),
  );
  if (!doc) throw new Error(`counter ${name} was not returned`);
  return doc.seq;
}

/** One counter of one document moved by `by`, by the event at `order` of log partition `partition`. */
export interface GuardedIncrement {
  partition: number;
  order: number;
  counter: string;
  by: number;
}

/** What `GuardedCounts` needs of a collection of counter documents. */
export interface GuardedModel<T extends { _id: string }> {
  bulkWrite(
    ops: AnyBulkWriteOperation<T>[],
    options: { ordered: boolean },
  ): Promise<{ matchedCount: number }>;
  /** The document's marks, or null when it does not exist. */
  marks(_id: string): Promise<Record<string, number> | null>;
}

/** A collection whose documents keep their marks in `cp`. */
export function guardedModel<T extends { _id: string; cp: Record<string, number> }>(
  model: Model<T>,
): GuardedModel<T> {
  return {
    bulkWrite: (ops, options) => model.bulkWrite(ops as never, options),
    marks: async (_id) => {
      const doc = await model.findById(_id, { cp: 1 }).lean<{ cp?: Record<string, number> }>().exec();
      return doc ? (doc.cp ?? {}) : null;
    },
  };
}

/** A moved mark means another consumer counted into the document meanwhile: read the marks again. */
const MARK_RETRIES = 5;

/**
 * Counter increments that apply once, without transactions. `cp.<partition>` in each document is
 * the last order counted into it; a partition's increments arrive in increasing order, so what lies
 * at or below the mark was counted, by this batch's first delivery or an overlapping one. Per
 * document and partition, the increments above the mark are summed into one update guarded by the
 * very mark it read: it applies whole or not at all, and a mark that moved meanwhile makes it match
 * nothing and be recomputed. One round trip per document, however many events the batch holds.
 * That takes the server's promise that a single-document update is atomic: MongoDB keeps it, stock
 * FerretDB 1.x does not (two consumers of one partition could both match a mark and the later
 * write undo the earlier), FerretDB as `scripts/servers` builds it does.
 *
 * `'first of an order'` counts only the first increment of each (partition, order), as the rollups
 * promise; `'every one'` sums all of them (one event moving a lead out of a count and into another).
 */
export class GuardedCounts<T extends { _id: string }> {
  private readonly docs = new Map<string, { zero: Omit<T, '_id'>; incs: Map<number, GuardedIncrement[]> }>();

  constructor(private readonly perOrder: 'first of an order' | 'every one') {}

  add(_id: string, zero: Omit<T, '_id'>, inc: GuardedIncrement): void {
    let doc = this.docs.get(_id);
    if (!doc) this.docs.set(_id, (doc = { zero, incs: new Map() }));
    const list = doc.incs.get(inc.partition);
    if (list) list.push(inc);
    else doc.incs.set(inc.partition, [inc]);
  }

  /**
   * First make sure every document exists (a guarded upsert that does not match would try to insert
   * a duplicate), then read the marks and count what lies above them. A crash between the steps
   * leaves documents of zeros, which sum to nothing.
   */
  async write(model: GuardedModel<T>): Promise<void> {
    if (this.docs.size === 0) return;
    await retryingDuplicates(() =>
      model.bulkWrite(
        [...this.docs].map(
          ([_id, { zero }]) =>
            ({
              updateOne: { filter: { _id }, update: { $setOnInsert: zero }, upsert: true },
            }) as AnyBulkWriteOperation<T>,
        ),
        { ordered: false },
      ),
    );
    for (let attempt = 1; ; attempt++) {
      const ops: AnyBulkWriteOperation<T>[] = [];
      await Promise.all(
        [...this.docs].map(async ([_id, { incs }]) => {
          const marks = (await model.marks(_id)) ?? {};
          for (const [partition, list] of incs) {
            const mark = marks[String(partition)];
            const seen = new Set<number>();
            const $inc: Record<string, number> = {};
            let top = mark ?? -Infinity;
            for (const inc of list) {
              if (mark !== undefined && inc.order <= mark) continue;
              if (this.perOrder === 'first of an order' && seen.has(inc.order)) continue;
              seen.add(inc.order);
              $inc[inc.counter] = ($inc[inc.counter] ?? 0) + inc.by;
              top = Math.max(top, inc.order);
            }
            if (seen.size === 0) continue;
            const field = `cp.${partition}`;
            ops.push({
              updateOne: {
                filter: { _id, [field]: mark === undefined ? { $exists: false } : mark },
                update: { $inc, $set: { [field]: top } },
              },
            } as AnyBulkWriteOperation<T>);
          }
        }),
      );
      if (ops.length === 0) return;
      const written = await model.bulkWrite(ops, { ordered: false });
      if (written.matchedCount === ops.length) return;
      if (attempt >= MARK_RETRIES)
        throw new Error('count marks kept moving: another consumer is counting the same partition');
    }
  }
}
