import { LONG_BUCKET_SIZES, bucketOf, planBuckets } from '@subtrack/domain';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import { StatementCache } from './statements';

type Value = number | string;

/** The counts kept beside one large table: which table, which of its columns they split by. */
export interface CountedTable {
  /** The rows' table, its time column, and the counts table `(account, size, bucket, ...dims, n)`. */
  rows: string;
  time: string;
  counts: string;
  dims: readonly string[];
  /** A condition every counted row meets (e.g. first entries only). */
  only?: string;
}

/** Thirty days, a day and an hour: the embedded store's bucket sizes. */
const SIZES = LONG_BUCKET_SIZES;

/**
 * Row counts of a large table per account, dimension values, thirty days, day and hour, written in
 * the same transaction as the rows, so that a total over millions of rows sums a few hundred
 * counters and counts at most two partial hours of rows, and still equals a COUNT(*) to the second.
 */
export class BucketCounts {
  private readonly pending = new Map<string, { values: Value[]; n: number }>();
  private readonly upsert: Statement;
  private readonly statements: StatementCache;

  constructor(
    db: Db,
    private readonly table: CountedTable,
  ) {
    this.statements = new StatementCache(db);
    const cols = ['account', 'size', 'bucket', ...table.dims].join(', ');
    this.upsert = db.prepare(
      `INSERT INTO ${table.counts} (${cols}, n) VALUES (${[0, 1, 2, ...table.dims].map(() => '?').join(', ')}, ?)
       ON CONFLICT (${cols}) DO UPDATE SET n = n + excluded.n`,
    );
  }

  /** Counts `delta` rows of `account` with these dimension values at `time`; written by `flush`. */
  add(account: number, values: readonly Value[], time: number, delta: 1 | -1): void {
    for (const size of SIZES) {
      const bucket = bucketOf(time, size);
      const key = `${account}|${size}|${bucket}|${values.join('|')}`;
      const entry = this.pending.get(key);
      if (entry) entry.n += delta;
      else this.pending.set(key, { values: [account, size, bucket, ...values], n: delta });
    }
  }

  /** Writes what `add` gathered; call inside the transaction that wrote the rows. */
  flush(): void {
    for (const { values, n } of this.pending.values()) if (n !== 0) this.upsert.run(...values, n);
    this.pending.clear();
  }

  /** Forgets what was gathered and not written (the transaction that gathered it failed). */
  discard(): void {
    this.pending.clear();
  }

  /**
   * Rows of `account` matching the dimension filters with time in [from, to] (inclusive), grouped
   * by the values of `by` (one group '' without it).
   */
  sum(
    account: number,
    filters: readonly [string, Value | undefined][],
    from: number | undefined,
    to: number | undefined,
    by?: string,
  ): Map<Value, number> {
    const out = new Map<Value, number>();
    const plus = (rows: { key: Value; n: number }[]) => {
      for (const r of rows) out.set(r.key, (out.get(r.key) ?? 0) + r.n);
    };
    const set = filters.filter(([, v]) => v !== undefined) as [string, Value][];
    const key = by ?? "''";
    const plan = planBuckets(from, to, SIZES);
    for (const b of plan.buckets) {
      const [bounds, params] = range('bucket', b.from, b.to);
      const sql = `SELECT ${key} AS key, SUM(n) AS n FROM ${this.table.counts}
        WHERE account = ? AND size = ? ${bounds} ${set.map(([d]) => `AND ${d} = ?`).join(' ')} GROUP BY key`;
      plus(this.statements.get(sql).all(account, b.size, ...params, ...set.map(([, v]) => v)) as never);
    }
    for (const r of plan.rows) {
      const [bounds, params] = range(this.table.time, r.from, r.to);
      const sql = `SELECT ${key} AS key, COUNT(*) AS n FROM ${this.table.rows}
        WHERE account = ? ${this.table.only ? `AND ${this.table.only}` : ''} ${bounds}
        ${set.map(([d]) => `AND ${d} = ?`).join(' ')} GROUP BY key`;
      plus(this.statements.get(sql).all(account, ...params, ...set.map(([, v]) => v)) as never);
    }
    return out;
  }

  /** Like `sum`, all groups together. */
  total(
    account: number,
    filters: readonly [string, Value | undefined][],
    from: number | undefined,
    to: number | undefined,
  ): number {
    let n = 0;
    for (const v of this.sum(account, filters, from, to).values()) n += v;
    return n;
  }
}

/** `AND col >= ? AND col < ?` for the finite ends of a half-open stretch. */
function range(col: string, from: number, to: number): [string, number[]] {
  const sql: string[] = [];
  const params: number[] = [];
  if (from !== -Infinity) {
    sql.push(`AND ${col} >= ?`);
    params.push(from);
  }
  if (to !== Infinity) {
    sql.push(`AND ${col} < ?`);
    params.push(to);
  }
  return [sql.join(' '), params];
}

/** The counts tables of the embedded database, one per counted table. */
export const COUNTED = {
  leads: { rows: 'leads', time: 'start_time', counts: 'lead_counts', dims: ['campaign', 'status'] },
  journal: {
    rows: 'journal',
    time: 'time',
    counts: 'journal_counts',
    dims: ['bot', 'chat', 'action', 'paid'],
  },
  firstEntries: {
    rows: 'lead_transitions',
    time: 'time',
    counts: 'first_entry_counts',
    dims: ['campaign', 'to_status'],
    only: 'first = 1',
  },
} as const satisfies Record<string, CountedTable>;

/** `CREATE TABLE` for a counts table. */
export function countsSchema(t: CountedTable): string {
  // NUMERIC: ids stay integers, actions stay text.
  const dims = t.dims.map((d) => `${d} NUMERIC NOT NULL`).join(', ');
  const key = ['account', 'size', 'bucket', ...t.dims].join(', ');
  return `CREATE TABLE IF NOT EXISTS ${t.counts} (account INTEGER NOT NULL, size INTEGER NOT NULL,
    bucket INTEGER NOT NULL, ${dims}, n INTEGER NOT NULL, PRIMARY KEY (${key})) WITHOUT ROWID;`;
}

/** Fills a new counts table from the rows already there (a file made before it existed). */
export function backfillCounts(db: Db, t: CountedTable): void {
  const dims = t.dims.join(', ');
  for (const size of SIZES)
    db.exec(
      `INSERT INTO ${t.counts} (account, size, bucket, ${dims}, n)
       SELECT account, ${size}, (${t.time} / ${size}) * ${size} AS b, ${dims}, COUNT(*) FROM ${t.rows}
       ${t.only ? `WHERE ${t.only}` : ''} GROUP BY account, b, ${dims}`,
    );
}

/**
 * Adds the counters of a bucket size that came after the others (thirty days) to a file that has
 * counts without them, summed from its day counters; a no-op once they are there.
 */
export function addMissingSizes(db: Db, t: CountedTable): void {
  const [largest, next] = SIZES;
  const has = db.prepare(`SELECT 1 FROM ${t.counts} WHERE size = ? LIMIT 1`);
  if (has.get(largest) || !has.get(next)) return;
  const dims = t.dims.join(', ');
  db.exec(
    `INSERT INTO ${t.counts} (account, size, bucket, ${dims}, n)
     SELECT account, ${largest}, (bucket / ${largest}) * ${largest} AS b, ${dims}, SUM(n) FROM ${t.counts}
     WHERE size = ${next} GROUP BY account, b, ${dims}`,
  );
}
