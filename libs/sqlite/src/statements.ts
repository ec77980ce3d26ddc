import type { OutboxBacklog } from '@subtrack/ports';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/** Prepares each distinct SQL text once: dynamic filters produce a handful of shapes, not one per call. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(private readonly db: Db) {}

  /**
   * One page of rows matching `w`, in `order`. The page is picked on the index alone and only its
   * rows are read, so a deep offset skips index entries, not rows.
   */
  page<R>(
    table: string,
    w: { sql: string; params: unknown[] },
    order: string,
    page: { limit: number; offset: number },
  ): R[] {
    return this.get(
      `SELECT * FROM ${table} WHERE id IN (SELECT id FROM ${table} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?) ORDER BY ${order}`,
    ).all(...w.params, page.limit, page.offset) as R[];
  }

  /** How many rows match `w`, counted through whatever index serves it. */
  count(table: string, w: { sql: string; params: unknown[] }): number {
    return (this.get(`SELECT COUNT(*) AS n FROM ${table} ${w.sql}`).get(...w.params) as { n: number }).n;
  }

  get<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt as unknown as Statement<P, R>;
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

/**
 * Claims the due pending rows of an outbox table (postbacks, welcomes) in one transaction: oldest
 * due first, each leased until `now + leaseMs` so that no other worker takes it meanwhile.
 */
export function outboxClaimer<R extends { id: string }>(
  db: Db,
  table: 'postbacks' | 'welcomes',
): (now: number, limit: number, leaseMs: number) => R[] {
  const due = db.prepare<[number, number, number], R>(
    `SELECT * FROM ${table} WHERE state = 'pending' AND next_at <= ? AND lease_until <= ? ORDER BY next_at, id LIMIT ?`,
  );
  const lease = db.prepare(`UPDATE ${table} SET lease_until = ? WHERE id = ?`);
  return db.transaction((now: number, limit: number, leaseMs: number): R[] => {
    if (limit <= 0) return [];
    const rows = due.all(now, now, limit);
    for (const r of rows) lease.run(now + leaseMs, r.id);
    return rows;
  });
}

/** What an outbox still owes, read off its due index (state, next_at) without touching rows. */
export function outboxBacklog(db: Db, table: 'postbacks' | 'welcomes'): () => OutboxBacklog {
  const pending = db.prepare<[], { n: number; due: number | null }>(
    `SELECT COUNT(*) AS n, MIN(next_at) AS due FROM ${table} WHERE state = 'pending'`,
  );
  return () => {
    const { n, due } = pending.get()!;
    return { pending: n, oldestDue: due };
  };
}
