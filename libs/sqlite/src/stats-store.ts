import type { Statement } from 'better-sqlite3';
import type { LeadCounters, OrganicCounters } from '@subtrack/domain';
import type { RollupIncrement, RollupScope, StatsStore } from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache, where } from './statements';

export class SqliteStatsStore implements StatsStore {
  private readonly statements: StatementCache;
  private readonly applyTx;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    const counterSql = (table: string, key: string, counter: string) =>
      `INSERT INTO ${table} (account, ${key}, day, ${counter}) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, ${key}, day) DO UPDATE SET ${counter} = ${counter} + excluded.${counter}`;
    const add = new Map<string, Statement<[number, number, string, number]>>();
    for (const c of ['starts', 'holds', 'confirms', 'cancels', 'trashes'])
      add.set(`lead:${c}`, db.prepare(counterSql('rollup_leads', 'campaign', c)));
    for (const c of ['joins', 'leaves'])
      add.set(`organic:${c}`, db.prepare(counterSql('rollup_organic', 'chat', c)));
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
      for (const inc of increments) {
        let done = applied.get(inc.partition);
        if (done === undefined)
          applied.set(inc.partition, (done = readCheckpoint.get(inc.partition)?.seq ?? -1));
        if (inc.order <= done) continue;
        applied.set(inc.partition, inc.order);
        const counter = `${inc.kind}:${inc.counter}`;
        const key = inc.kind === 'lead' ? inc.campaign : inc.chat;
        const id = `${counter}|${inc.account}|${key}|${inc.day}`;
        const sum = sums.get(id);
        if (sum) sum.n += 1;
        else sums.set(id, { counter, account: inc.account, key, day: inc.day, n: 1 });
      }
      for (const s of sums.values()) add.get(s.counter)!.run(s.account, s.key, s.day, s.n);
      for (const [part, seq] of applied) writeCheckpoint.run(part, seq);
    });
  }

  async apply(increments: readonly RollupIncrement[]): Promise<void> {
    this.applyTx(increments);
  }

  async leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>> {
    const w = where([
      ['account = ?', scope.account],
      ['campaign = ?', scope.campaign],
      ['day >= ?', scope.fromDay],
      ['day <= ?', scope.toDay],
    ]);
    const rows = this.statements
      .get(
        `SELECT day, SUM(starts) AS starts, SUM(holds) AS holds, SUM(confirms) AS confirms, SUM(cancels) AS cancels,
           SUM(trashes) AS trashes FROM rollup_leads ${w.sql} GROUP BY day`,
      )
      .all(...w.params) as (LeadCounters & { day: string })[];
    return new Map(rows.map(({ day, ...c }) => [day, c]));
  }

  async organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>> {
    const w = where([
      ['account = ?', scope.account],
      ['chat = ?', scope.chat],
      ['day >= ?', scope.fromDay],
      ['day <= ?', scope.toDay],
    ]);
    const rows = this.statements
      .get(`SELECT day, SUM(joins) AS joins, SUM(leaves) AS leaves FROM rollup_organic ${w.sql} GROUP BY day`)
      .all(...w.params) as (OrganicCounters & { day: string })[];
    return new Map(rows.map(({ day, ...c }) => [day, c]));
  }

  async reset(): Promise<void> {
    this.db.exec('DELETE FROM rollup_leads; DELETE FROM rollup_organic; DELETE FROM stats_checkpoints;');
  }
}
