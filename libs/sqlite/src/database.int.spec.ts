import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from './database';

/** How SQLite would run `sql`, one step per line. */
const planOf = (db: Db, sql: string, ...params: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join('\n');

describe('embedded database file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subtrack-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives a file made before the postbacks' lead index that index, and reads a lead's deliveries through it", () => {
    const old = openDatabase(dir);
    old.exec('DROP INDEX postbacks_lead');
    // A file in use for a while: many leads, a few deliveries each, and table statistics.
    const insert = old.prepare(
      `INSERT INTO postbacks (id, account, campaign, lead, status, url, method, body, created, state, attempts, next_at, lease_until)
       VALUES (?, 1, ?, ?, 'wait', 'https://t.example/', 'GET', '', ?, 'delivered', '[]', 0, 0)`,
    );
    old.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`ev:${i}`, i % 3, i >> 1, 1_700_000_000 + i);
    })();
    old.exec('ANALYZE');
    old.close();

    const db = openDatabase(dir);
    try {
      const index = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'postbacks_lead'")
        .get() as { sql: string } | undefined;
      expect(index?.sql).toMatch(/\(lead, created DESC, id DESC\)/);
      for (const sql of [
        'SELECT * FROM postbacks WHERE lead = ? ORDER BY created DESC, id DESC LIMIT 1',
        'SELECT COUNT(*) AS n FROM postbacks WHERE account = ? AND lead = ?',
        'SELECT COUNT(*) AS n FROM postbacks WHERE account = ? AND state = ? AND lead = ?',
        'SELECT id FROM postbacks WHERE account = ? AND campaign = ? AND lead = ? ORDER BY created DESC, id DESC',
      ]) {
        const params = (sql.match(/\?/g) ?? []).map(() => 1);
        expect(planOf(db, sql, ...params)).toMatch(/USING (COVERING )?INDEX postbacks_lead \(lead=\?\)/);
      }
    } finally {
      db.close();
    }
  });
});
