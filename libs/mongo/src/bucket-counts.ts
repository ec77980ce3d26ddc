import { BUCKET_SIZES, bucketOf, planBuckets } from '@subtrack/domain';
import { MAX_PARTITIONS } from '@subtrack/ports';
import type { FilterQuery, Model, PipelineStage } from 'mongoose';
import type { CountDoc, Models } from './models';
import type { GuardedCounts } from './writes';

type Value = number | string;

/** A large collection whose rows are counted: its time field and the fields the counts split by. */
export interface CountedCollection {
  /** Tag of its counts documents. */
  t: string;
  time: string;
  dims: readonly string[];
  /** A condition every counted row meets (e.g. first entries only). */
  only?: Record<string, unknown>;
}

export const COUNTED = {
  leads: { t: 'L', time: 'startTime', dims: ['campaign', 'status'] },
  journal: { t: 'J', time: 'time', dims: ['bot', 'chat', 'action', 'paid'] },
  firstEntries: { t: 'F', time: 'time', dims: ['campaign', 'to'], only: { first: true } },
} as const satisfies Record<string, CountedCollection>;

/**
 * Row counts of a large collection per account, dimension values, day and hour, so that a total
 * over millions of rows sums a few hundred documents and counts at most two partial hours of rows,
 * and still equals a `countDocuments` to the second: `planBuckets` over a day and an hour (the
 * embedded store adds thirty days above them; here that would need a backfill of guarded counts).
 *
 * Without transactions a count cannot commit with its row. It is written before the rows instead,
 * each change guarded by the seq of the event that made it (`GuardedCounts`): a redelivered batch
 * recomputes the same changes from the same stored leads (leads are written last), and the guards
 * let none of them count twice. One document per log partition (`seq % MAX_PARTITIONS`), summed on
 * read, so that each has a single writer.
 */
export class MongoBucketCounts<R> {
  constructor(
    private readonly counts: Model<CountDoc>,
    private readonly rows: Model<R>,
    private readonly table: CountedCollection,
  ) {}

  /** Counts `by` rows with these dimension values at `time`, changed by the event at `seq`. */
  add(
    into: GuardedCounts<CountDoc>,
    account: number,
    values: readonly Value[],
    time: number,
    by: number,
    seq: number,
  ): void {
    const { t, dims } = this.table;
    const partition = seq % MAX_PARTITIONS;
    const v = Object.fromEntries(dims.map((d, i) => [d, values[i]!]));
    for (const size of BUCKET_SIZES) {
      const bucket = bucketOf(time, size);
      into.add(
        `${t}:${account}:${size}:${bucket}:${values.join(':')}:${partition}`,
        { t, account, size, bucket, v, n: 0, cp: {} },
        { partition, order: seq, counter: 'n', by },
      );
    }
  }

  /**
   * Rows of `account` matching the dimension filters with time in [from, to] (inclusive), grouped
   * by the values of `by` (one group '' without it).
   */
  async sum(
    account: number,
    filters: Record<string, Value | undefined>,
    from: number | undefined,
    to: number | undefined,
    by?: string,
  ): Promise<Map<Value, number>> {
    const out = new Map<Value, number>();
    const plus = (key: Value, n: number) => out.set(key, (out.get(key) ?? 0) + n);
    const set = Object.entries(filters).filter(([, v]) => v !== undefined) as [string, Value][];
    const plan = planBuckets(from, to);
    const reads: Promise<void>[] = [];
    for (const b of plan.buckets) {
      const filter: FilterQuery<CountDoc> = {
        t: this.table.t,
        account,
        size: b.size,
        ...range('bucket', b.from, b.to),
        ...Object.fromEntries(set.map(([d, v]) => [`v.${d}`, v])),
      };
      reads.push(
        this.counts
          .find(filter, { v: 1, n: 1 })
          .lean<Pick<CountDoc, 'v' | 'n'>[]>()
          .exec()
          .then((docs) => {
            for (const d of docs) if (d.n) plus(by ? d.v[by]! : '', d.n);
          }),
      );
    }
    for (const r of plan.rows) {
      const match = {
        account,
        ...this.table.only,
        ...Object.fromEntries(set),
        ...range(this.table.time, r.from, r.to),
      };
      // Only $sum is relied on among the accumulators: FerretDB has few others.
      const pipeline: PipelineStage[] = [
        { $match: match },
        { $group: { _id: by ? `$${by}` : null, n: { $sum: 1 } } },
      ];
      reads.push(
        this.rows
          .aggregate<{ _id: Value | null; n: number }>(pipeline)
          .exec()
          .then((groups) => {
            for (const g of groups) plus(g._id ?? '', g.n);
          }),
      );
    }
    await Promise.all(reads);
    return out;
  }

  /** Like `sum`, all groups together. */
  async total(
    account: number,
    filters: Record<string, Value | undefined>,
    from: number | undefined,
    to: number | undefined,
  ): Promise<number> {
    let n = 0;
    for (const v of (await this.sum(account, filters, from, to)).values()) n += v;
    return n;
  }
}

/** The counts of the lead store's three counted collections. */
export function leadStoreCounts(m: Models) {
  return {
    leads: new MongoBucketCounts(m.counts, m.leads, COUNTED.leads),
    journal: new MongoBucketCounts(m.counts, m.journal, COUNTED.journal),
    firstEntries: new MongoBucketCounts(m.counts, m.transitions, COUNTED.firstEntries),
  };
}

/** `{ field: { $gte, $lt } }` for the finite ends of a half-open stretch. */
function range(field: string, from: number, to: number): Record<string, { $gte?: number; $lt?: number }> {
  const bounds: { $gte?: number; $lt?: number } = {};
  if (from !== -Infinity) bounds.$gte = from;
  if (to !== Infinity) bounds.$lt = to;
  return Object.keys(bounds).length ? { [field]: bounds } : {};
}
