import type { Statement } from 'better-sqlite3';
import type { LeadCounters, OrganicCounters } from '@subtrack/domain';
import type { RollupIncrement, RollupScope, StatsStore } from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache } from './statements';

const LEAD_COUNTERS = ['starts', 'holds', 'confirms', 'cancels', 'trashes'] as const;
const ORGANIC_COUNTERS = ['joins', 'leaves'] as const;

const leadCounters = (r: readonly (string | number)[], at: number): LeadCounters => ({
  starts: r[at] as number,
  holds: r[at + 1] as number,
  confirms: r[at + 2] as number,
  cancels: r[at + 3] as number,
  trashes: r[at + 4] as number,
});

const organicCounters = (r: readonly (string | number)[], at: number): OrganicCounters => ({
  joins: r[at] as number,
  leaves: r[at + 1] as number,
});

/** Adds one to the sum kept under `id`, making it first when it is not there yet. */
function bump<S extends { n: number }>(sums: Map<string, S>, id: string, make: () => S): void {
  let sum = sums.get(id);
  if (!sum) sums.set(id, (sum = make()));
  sum.n += 1;
}

/**
 * Makes the account-wide day rollups of a file made before them, filled from the per-campaign and
 * per-chat ones; call in the transaction that opens the file, so they are made and filled together.
 */
export function addAccountDays(db: Db): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_account_days'").get())
    return;
  const all = [...LEAD_COUNTERS, ...ORGANIC_COUNTERS];
  db.exec(`CREATE TABLE rollup_account_days (
    account INTEGER NOT NULL, day TEXT NOT NULL, ${all.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(', ')},
    PRIMARY KEY (account, day)
  ) WITHOUT ROWID`);
  const zeros = (counters: readonly string[]) => counters.map((c) => `0 AS ${c}`).join(', ');
  db.exec(`INSERT INTO rollup_account_days (account, day, ${all.join(', ')})
    SELECT account, day, ${all.map((c) => `SUM(${c})`).join(', ')} FROM (
      SELECT account, day, ${LEAD_COUNTERS.join(', ')}, ${zeros(ORGANIC_COUNTERS)} FROM rollup_leads
      UNION ALL
      SELECT account, day, ${zeros(LEAD_COUNTERS)}, ${ORGANIC_COUNTERS.join(', ')} FROM rollup_organic
    ) GROUP BY account, day`);
}

export class SqliteStatsStore implements StatsStore {
  private readonly statements: StatementCache;
  private readonly applyTx;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    const counterSql = (table: string, key: string, counter: string) =>
      `INSERT INTO ${table} (account, ${key}, day, ${counter}) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, ${key}, day) DO UPDATE SET ${counter} = ${counter} + excluded.${counter}`;
    // Every counter is also kept per account and day over all campaigns and chats, so that the
    // account's summary and series read one row a day, however many campaigns it runs.
    const accountSql = (counter: string) =>
      `INSERT INTO rollup_account_days (account, day, ${counter}) VALUES (?, ?, ?)
       ON CONFLICT (account, day) DO UPDATE SET ${counter} = ${counter} + excluded.${counter}`;
    const add = new Map<string, Statement<[number, number, string, number]>>();
    const addToAccount = new Map<string, Statement<[number, string, number]>>();
    const kinds = [
      ['lead', LEAD_COUNTERS, 'rollup_leads', 'campaign'],
      ['organic', ORGANIC_COUNTERS, 'rollup_organic', 'chat'],
    ] as const;
    for (const [kind, counters, table, key] of kinds)
      for (const c of counters) {
        add.set(`${kind}:${c}`, db.prepare(counterSql(table, key, c)));
        addToAccount.set(`${kind}:${c}`, db.prepare(accountSql(c)));
      }
    const readCheckpoint = db.prepare<[number], { seq: number }>(
      'SELECT seq FROM stats_checkpoints WHERE part = ?',
    );
    const writeCheckpoint = db.prepare(
      'INSERT INTO stats_checkpoints (part, seq) VALUES (?, ?) ON CONFLICT (part) DO UPDATE SET seq = excluded.seq',
    );
    // Increments and the per-partition checkpoint commit together, so anything at or below the
    // checkpoint was counted: a redelivery, overlapping or not, is skipped. A batch's increments
    // to one counter of one day are summed first and written as one upsert.
    this.applyTx = db.transaction((increments: readonly RollupIncrement[]) => {
      const applied = new Map<number, number>();
      const sums = new Map<
        string,
        { counter: string; account: number; key: number; day: string; n: number }
      >();
      const accountSums = new Map<string, { counter: string; account: number; day: string; n: number }>();
      for (const inc of increments) {
        let done = applied.get(inc.partition);
        if (done === undefined)
          applied.set(inc.partition, (done = readCheckpoint.get(inc.partition)?.seq ?? -1));
        if (inc.order <= done) continue;
        applied.set(inc.partition, inc.order);
        const counter = `${inc.kind}:${inc.counter}`;
        const { account, day } = inc;
        const key = inc.kind === 'lead' ? inc.campaign : inc.chat;
        bump(sums, `${counter}|${account}|${key}|${day}`, () => ({ counter, account, key, day, n: 0 }));
        bump(accountSums, `${counter}|${account}|${day}`, () => ({ counter, account, day, n: 0 }));
      }
      for (const s of sums.values()) add.get(s.counter)!.run(s.account, s.key, s.day, s.n);
      for (const s of accountSums.values()) addToAccount.get(s.counter)!.run(s.account, s.day, s.n);
      for (const [part, seq] of applied) writeCheckpoint.run(part, seq);
    });
  }

  async apply(increments: readonly RollupIncrement[]): Promise<void> {
    this.applyTx(increments);
  }

  async leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>> {
    const days = new Map<string, LeadCounters>();
    for (const r of this.read('lead', scope, 'days')) days.set(r[0] as string, leadCounters(r, 1));
    return days;
  }

  async organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>> {
    const days = new Map<string, OrganicCounters>();
    for (const r of this.read('organic', scope, 'days')) days.set(r[0] as string, organicCounters(r, 1));
    return days;
  }

  async leadTotals(scope: RollupScope): Promise<LeadCounters> {
    return leadCounters(this.read('lead', scope, 'totals')[0]!, 0);
  }

  async organicTotals(scope: RollupScope): Promise<OrganicCounters> {
    return organicCounters(this.read('organic', scope, 'totals')[0]!, 0);
  }

  /**
   * A scope's rows as arrays: one per day (the day, then the counters), or one row of sums. The
   * whole account is read from its own table, one row a day; a campaign or a chat from its table's
   * primary key. Both ways read only the days asked for.
   */
  private read(
    kind: 'lead' | 'organic',
    scope: RollupScope,
    shape: 'days' | 'totals',
  ): (string | number)[][] {
    const counters = kind === 'lead' ? LEAD_COUNTERS : ORGANIC_COUNTERS;
    const key = kind === 'lead' ? scope.campaign : scope.chat;
    const params: (string | number)[] = [scope.account];
    let from = 'rollup_account_days WHERE account = ?';
    if (key !== undefined) {
      from =
        kind === 'lead'
          ? 'rollup_leads WHERE account = ? AND campaign = ?'
          : 'rollup_organic WHERE account = ? AND chat = ?';
      params.push(key);
    }
    params.push(scope.fromDay, scope.toDay);
    const sql =
      shape === 'totals'
        ? `SELECT ${counters.map((c) => `COALESCE(SUM(${c}), 0)`).join(', ')} FROM ${from} AND day >= ? AND day <= ?`
        : // A day of the account with only the other kind of activity is left out, as the
          // per-campaign and per-chat tables have no row for it.
          `SELECT day, ${counters.join(', ')} FROM ${from} AND day >= ? AND day <= ?
           ${key === undefined ? `AND ${counters.join(' + ')} > 0` : ''}`;
    return this.statements
      .get(sql)
      .raw(true)
      .all(...params) as (string | number)[][];
  }

  async reset(): Promise<void> {
    this.db.exec(
      'DELETE FROM rollup_leads; DELETE FROM rollup_organic; DELETE FROM rollup_account_days; DELETE FROM stats_checkpoints;',
    );
  }
}
