import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/** Prepares each distinct SQL text once: dynamic filters produce a handful of shapes, not one per call. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

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
