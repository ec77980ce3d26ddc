import type { LeadCounters, OrganicCounters } from '@subtrack/domain';
import type { Checkpoints, RollupScope, StatsBatch, StatsStore } from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache, where } from './statements';

export class SqliteStatsStore implements StatsStore {
  private readonly statements: StatementCache;
  private readonly applyTx;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    const addLeads = db.prepare(
      `INSERT INTO rollup_leads (account, campaign, day, starts, holds, confirms, cancels, trashes)
       VALUES (@account, @campaign, @day, @starts, @holds, @confirms, @cancels, @trashes)
       ON CONFLICT (account, campaign, day) DO UPDATE SET starts = starts + excluded.starts, holds = holds + excluded.holds,
         confirms = confirms + excluded.confirms, cancels = cancels + excluded.cancels, trashes = trashes + excluded.trashes`,
    );
    const addOrganic = db.prepare(
      `INSERT INTO rollup_organic (account, chat, day, joins, leaves) VALUES (@account, @chat, @day, @joins, @leaves)
       ON CONFLICT (account, chat, day) DO UPDATE SET joins = joins + excluded.joins, leaves = leaves + excluded.leaves`,
    );
    const readCheckpoint = db.prepare<[number], { seq: number }>('SELECT seq FROM stats_checkpoints WHERE part = ?');
    const writeCheckpoint = db.prepare(
      'INSERT INTO stats_checkpoints (part, seq) VALUES (?, ?) ON CONFLICT (part) DO UPDATE SET seq = excluded.seq',
    );
    // Deltas and checkpoint commit together: a batch whose checkpoint is already stored was counted.
    this.applyTx = db.transaction((batch: StatsBatch) => {
      for (const [part, seq] of Object.entries(batch.checkpoints)) {
        if ((readCheckpoint.get(Number(part))?.seq ?? 0) >= seq) return;
      }
      for (const d of batch.leads) addLeads.run({ account: d.account, campaign: d.campaign, day: d.day, ...d.counters });
      for (const d of batch.organic) addOrganic.run({ account: d.account, chat: d.chat, day: d.day, ...d.counters });
      for (const [part, seq] of Object.entries(batch.checkpoints)) writeCheckpoint.run(Number(part), seq);
    });
  }

  async apply(batch: StatsBatch): Promise<void> {
    this.applyTx(batch);
  }

  async checkpoints(): Promise<Checkpoints> {
    const rows = this.db.prepare<[], { part: number; seq: number }>('SELECT part, seq FROM stats_checkpoints').all();
    return Object.fromEntries(rows.map((r) => [r.part, r.seq]));
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
