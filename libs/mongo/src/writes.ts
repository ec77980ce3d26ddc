import { mongo, type Model } from 'mongoose';

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
