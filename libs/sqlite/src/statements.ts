import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/** Prepares each distinct SQL text once: dynamic filters produce a handful of shapes, not one per call. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  /** One page of rows matching `w`, in `order`, and how many match in all. */
  page<R>(
    table: string,
    w: { sql: string; params: unknown[] },
    order: string,
    limit: number,
    offset: number,
  ): { rows: R[]; total: number } {
    const rows = this.get(`SELECT * FROM ${table} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(
      ...w.params,
      limit,
      offset,
    ) as R[];
    const total = (this.get(`SELECT COUNT(*) AS n FROM ${table} ${w.sql}`).get(...w.params) as { n: number })
      .n;
    return { rows, total };
  }

  get(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

/** Builds `WHERE a = ? AND b >= ?` from the filters that are set. */
export function where(filters: [string, unknown][]): { sql: string; params: unknown[] } {
  const set = filters.filter(([, v]) => v !== undefined);
  return {
    sql: set.length ? `WHERE ${set.map(([clause]) => clause).join(' AND ')}` : '',
    params: set.map(([, v]) => v),
  };
}
