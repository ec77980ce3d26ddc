import {
  emptyLeadCounters,
  emptyOrganicCounters,
  type LeadCounters,
  type OrganicCounters,
} from '@subtrack/domain';
import type { RollupIncrement, RollupScope, StatsStore } from '@subtrack/ports';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import type { LeadRollupDoc, Models, OrganicRollupDoc } from './models';
import { retryingDuplicates } from './writes';

const LEAD_COUNTERS = Object.keys(emptyLeadCounters()) as (keyof LeadCounters)[];
const ORGANIC_COUNTERS = Object.keys(emptyOrganicCounters()) as (keyof OrganicCounters)[];

/** What `Pending` needs of a rollup model. */
interface RollupModel<T extends { _id: string }> {
  bulkWrite(
    ops: AnyBulkWriteOperation<T>[],
    options: { ordered: boolean },
  ): Promise<{ matchedCount: number }>;
  /** The document's marks, or null when it does not exist. */
  marks(_id: string): Promise<Record<string, number> | null>;
}

/** A moved mark means another consumer counted into the document meanwhile: read the marks again. */
const MARK_RETRIES = 5;

/**
 * The writes of one apply() that go to one rollup collection: per document and partition, the
 * increments above the document's mark summed into one guarded update, however many events the
 * batch holds (one round trip per document instead of one per event).
 */
class Pending<T extends { _id: string }> {
  private readonly docs = new Map<string, { zero: Omit<T, '_id'>; incs: Map<number, RollupIncrement[]> }>();

  add(_id: string, zero: Omit<T, '_id'>, inc: RollupIncrement): void {
    let doc = this.docs.get(_id);
    if (!doc) this.docs.set(_id, (doc = { zero, incs: new Map() }));
    const list = doc.incs.get(inc.partition);
    if (list) list.push(inc);
    else doc.incs.set(inc.partition, [inc]);
  }

  /**
   * First make sure every document exists (a guarded upsert that does not match would try to insert
   * a duplicate), then read each one's marks and count what lies above them, the update guarded by
   * the very mark it read: it applies whole or not at all, and a mark that moved meanwhile makes it
   * match nothing and be recomputed. A crash between the steps leaves documents of zeros, which the
   * reads skip.
   */
  async write(model: RollupModel<T>): Promise<void> {
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
            const counted = new Set<number>();
            const $inc: Record<string, number> = {};
            let top = mark ?? -Infinity;
            for (const inc of list) {
              // Each (partition, order) counts once, however often it is delivered.
              if ((mark !== undefined && inc.order <= mark) || counted.has(inc.order)) continue;
              counted.add(inc.order);
              $inc[inc.counter] = ($inc[inc.counter] ?? 0) + 1;
              top = Math.max(top, inc.order);
            }
            if (counted.size === 0) continue;
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
        throw new Error('rollup marks kept moving: another consumer is counting the same partition');
    }
  }
}

/** A rollup collection as `Pending` uses it. */
function rollupModel<T extends { _id: string; cp: Record<string, number> }>(model: Model<T>): RollupModel<T> {
  return {
    bulkWrite: (ops, options) => model.bulkWrite(ops as never, options),
    marks: async (_id) => {
      const doc = await model.findById(_id, { cp: 1 }).lean<{ cp?: Record<string, number> }>().exec();
      return doc ? (doc.cp ?? {}) : null;
    },
  };
}

/**
 * Without transactions the "counted once" guard lives in each rollup document: `cp.<partition>` is
 * the last order counted into it, and an increment applies only above it, in the same atomic
 * update as the `$inc`. A partition's increments arrive in increasing order, so the ones reaching
 * one document do too, and a redelivery, overlapping or not, finds its old increments at or below
 * the mark.
 *
 * A rollup row is one document per source partition, summed on read: each document then has a
 * single writer (the consumer that owns the partition), so instances never update one document
 * concurrently. That matters on servers whose per-document updates are not atomic across clients
 * (FerretDB loses concurrent `$inc`s), and spares MongoDB a hot document.
 */
export class MongoStatsStore implements StatsStore {
  constructor(private readonly m: Models) {}

  async apply(increments: readonly RollupIncrement[]): Promise<void> {
    const leads = new Pending<LeadRollupDoc>();
    const organic = new Pending<OrganicRollupDoc>();
    for (const inc of increments) {
      const { account, day } = inc;
      if (inc.kind === 'lead') {
        const zero = { account, campaign: inc.campaign, day, ...emptyLeadCounters(), cp: {} };
        leads.add(`L:${account}:${inc.campaign}:${day}:${inc.partition}`, zero, inc);
      } else {
        const zero = { account, chat: inc.chat, day, ...emptyOrganicCounters(), cp: {} };
        organic.add(`O:${account}:${inc.chat}:${day}:${inc.partition}`, zero, inc);
      }
    }
    await Promise.all([
      leads.write(rollupModel(this.m.leadRollups)),
      organic.write(rollupModel(this.m.organicRollups)),
    ]);
  }

  async leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>> {
    const docs = await this.m.leadRollups
      .find(rollupFilter(scope, 'campaign'))
      .sort({ day: 1 })
      .lean<LeadRollupDoc[]>()
      .exec();
    return sumPerDay(docs, LEAD_COUNTERS);
  }

  async organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>> {
    const docs = await this.m.organicRollups
      .find(rollupFilter(scope, 'chat'))
      .sort({ day: 1 })
      .lean<OrganicRollupDoc[]>()
      .exec();
    return sumPerDay(docs, ORGANIC_COUNTERS);
  }

  async reset(): Promise<void> {
    // The marks live in the documents, so removing them forgets what was counted too.
    await Promise.all([
      this.m.leadRollups.deleteMany({}).exec(),
      this.m.organicRollups.deleteMany({}).exec(),
    ]);
  }
}

const rollupFilter = (scope: RollupScope, key: 'campaign' | 'chat') => ({
  account: scope.account,
  ...(scope[key] === undefined ? {} : { [key]: scope[key] }),
  day: { $gte: scope.fromDay, $lte: scope.toDay },
});

/** Sums the documents' counters per day, in day order; days with nothing counted are left out. */
function sumPerDay<C extends string>(
  docs: readonly ({ day: string } & Record<C, number>)[],
  counters: readonly C[],
): Map<string, Record<C, number>> {
  const days = new Map<string, Record<C, number>>();
  for (const doc of docs) {
    if (counters.every((c) => !doc[c])) continue;
    let sum = days.get(doc.day);
    if (!sum) days.set(doc.day, (sum = Object.fromEntries(counters.map((c) => [c, 0])) as Record<C, number>));
    for (const c of counters) sum[c] += doc[c];
  }
  return days;
}
