import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { leadCounters, leadIncrement, organicCounters, organicIncrement } from '@subtrack/testing';
import { openDatabase, type Db } from './database';
import { openEmbedded } from './index';

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

  it('gives a file made before the account-wide rollups those rollups, summed from the others', async () => {
    const old = openEmbedded(dir, { log: () => undefined });
    await old.stats.apply([
      leadIncrement({ order: 16, campaign: 1, day: '2025-01-14', counter: 'starts' }),
      leadIncrement({ order: 32, campaign: 2, day: '2025-01-14', counter: 'starts' }),
      leadIncrement({ order: 48, campaign: 2, day: '2025-01-15', counter: 'confirms' }),
      organicIncrement({ order: 64, chat: -100, day: '2025-01-15', counter: 'joins' }),
      organicIncrement({ order: 80, chat: -200, day: '2025-01-16', counter: 'leaves' }),
      leadIncrement({ order: 96, account: 2, campaign: 9, day: '2025-01-14', counter: 'starts' }),
    ]);
    old.db.exec('DROP TABLE rollup_account_days');
    await old.close();

    const reopened = openEmbedded(dir, { log: () => undefined });
    try {
      const scope = { account: 1, fromDay: '2025-01-01', toDay: '2025-12-31' };
      expect(await reopened.stats.leadRollups(scope)).toEqual(
        new Map([
          ['2025-01-14', leadCounters({ starts: 2 })],
          ['2025-01-15', leadCounters({ confirms: 1 })],
        ]),
      );
      expect(await reopened.stats.organicRollups(scope)).toEqual(
        new Map([
          ['2025-01-15', organicCounters({ joins: 1 })],
          ['2025-01-16', organicCounters({ leaves: 1 })],
        ]),
      );
      expect(await reopened.stats.leadRollups({ ...scope, account: 2 })).toEqual(
        new Map([['2025-01-14', leadCounters({ starts: 1 })]]),
      );
    } finally {
      await reopened.close();
    }
  });
});
