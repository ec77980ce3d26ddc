import { LeadStatus, type JournalAction } from '@subtrack/contracts';
import {
  counterFor,
  emptyLeadCounters,
  emptyOrganicCounters,
  organicCounterFor,
  type LeadCounters,
  type OrganicCounters,
} from '@subtrack/domain';
import type {
  CountScope,
  EventAt,
  JournalEntry,
  JournalQuery,
  LeadQuery,
  LeadStore,
  LeadUnitOfWork,
  OrganicScope,
  PageOf,
  RecheckQuery,
  StoredLead,
} from '@subtrack/ports';
import { BucketCounts, COUNTED } from './bucket-counts';
import type { Db } from './database';
import { StatementCache, where } from './statements';

interface LeadRow {
  id: number;
  account: number;
  campaign: number;
  chat: number;
  bot: number;
  subscriber: number;
  username: string;
  click: string;
  invite_link: string;
  status: LeadStatus;
  start_time: number;
  join_time: number;
  updated: number;
  reached: number;
  seq: number;
  found: number;
}

const toLead = (r: LeadRow): StoredLead => ({
  id: r.id,
  account: r.account,
  campaign: r.campaign,
  chat: r.chat,
  bot: r.bot,
  subscriber: r.subscriber,
  username: r.username,
  click: r.click,
  inviteLink: r.invite_link,
  status: r.status,
  startTime: r.start_time,
  joinTime: r.join_time,
  updated: r.updated,
  reached: r.reached,
  seq: r.seq,
  ...(r.found ? { found: r.found } : {}),
});

export class SqliteLeadStore implements LeadStore {
  private readonly statements: StatementCache;
  private readonly commitTx;
  private readonly claimTx: (events: readonly EventAt[]) => Set<number>;
  private readonly counts;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    const counts = {
      leads: new BucketCounts(db, COUNTED.leads),
      journal: new BucketCounts(db, COUNTED.journal),
      firstEntries: new BucketCounts(db, COUNTED.firstEntries),
    };
    this.counts = counts;
    const all = Object.values(counts);
    const statusOf = db.prepare<[number], { status: LeadStatus }>('SELECT status FROM leads WHERE id = ?');
    // Each write is guarded so that applying the same unit of work twice changes nothing: leads only
    // move forward in seq, journal rows and transitions are keyed by the event they came from.
    const upsertLead = db.prepare(
      `INSERT INTO leads (id, account, campaign, chat, bot, subscriber, username, click, invite_link, status, start_time, join_time, updated, reached, seq, found)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, click = excluded.click,
         invite_link = excluded.invite_link, status = excluded.status,
         join_time = excluded.join_time, updated = excluded.updated, reached = excluded.reached, seq = excluded.seq,
         found = excluded.found
       WHERE excluded.seq > leads.seq`,
    );
    const insertJournal = db.prepare(
      `INSERT OR IGNORE INTO journal (id, account, bot, chat, subscriber, username, action, paid, time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertTransition = db.prepare(
      `INSERT OR IGNORE INTO lead_transitions (id, lead, account, campaign, chat, from_status, to_status, first, time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const claim = db.prepare('INSERT OR IGNORE INTO applied_events (id, seq) VALUES (?, ?)');
    const claimedAt = db.prepare<[string], { seq: number }>('SELECT seq FROM applied_events WHERE id = ?');
    // An id recorded before positions were (seq -1) was fully applied then: a copy now.
    this.claimTx = db.transaction((events: readonly EventAt[]) => {
      const copies = new Set<number>();
      for (const e of events)
        if (claim.run(e.id, e.seq).changes === 0 && claimedAt.get(e.id)?.seq !== e.seq) copies.add(e.seq);
      return copies;
    });
    // The outbox row commits with the status change it announces, keyed by that change.
    const insertPostback = db.prepare(
      `INSERT OR IGNORE INTO postbacks (id, account, campaign, lead, status, url, method, body, created, state, attempts, next_at, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '[]', 0, 0)`,
    );
    const insertWelcome = db.prepare(
      `INSERT OR IGNORE INTO welcomes (id, account, bot, campaign, chat, lead, subscriber, update_id, created,
         invite_link, join_request, text, state, attempts, last_error, next_at, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, '', 0, 0)`,
    );
    // Counts follow only the writes that changed something, so a replayed unit of work counts nothing
    // twice. Parameters are bound by position: a unit of work holds a few thousand rows, and binding
    // by name costs more than the insert itself leaves for everything else.
    const tx = db.transaction((work: LeadUnitOfWork) => {
      for (const p of work.postbacks)
        insertPostback.run(p.id, p.account, p.campaign, p.lead, p.status, p.url, p.method, p.body, p.created);
      for (const w of work.welcomes)
        insertWelcome.run(
          w.id,
          w.account,
          w.bot,
          w.campaign,
          w.chat,
          w.lead,
          w.subscriber,
          w.updateId,
          w.created,
          w.inviteLink,
          w.joinRequest ? 1 : 0,
          w.text,
        );
      for (const lead of work.leads) {
        const before = statusOf.get(lead.id)?.status;
        const written = upsertLead.run(
          lead.id,
          lead.account,
          lead.campaign,
          lead.chat,
          lead.bot,
          lead.subscriber,
          lead.username,
          lead.click,
          lead.inviteLink,
          lead.status,
          lead.startTime,
          lead.joinTime,
          lead.updated,
          lead.reached,
          lead.seq,
          lead.found ?? 0,
        );
        if (written.changes === 0 || before === lead.status) continue;
        if (before !== undefined) counts.leads.add(lead.account, [lead.campaign, before], lead.startTime, -1);
        counts.leads.add(lead.account, [lead.campaign, lead.status], lead.startTime, 1);
      }
      for (const e of work.journal)
        if (
          insertJournal.run(
            e.id,
            e.account,
            e.bot,
            e.chat,
            e.subscriber,
            e.username,
            e.action,
            e.paid,
            e.time,
          ).changes
        )
          counts.journal.add(e.account, [e.bot, e.chat, e.action, e.paid], e.time, 1);
      for (const t of work.transitions)
        if (
          insertTransition.run(
            t.id,
            t.lead,
            t.account,
            t.campaign,
            t.chat,
            t.from,
            t.to,
            t.first ? 1 : 0,
            t.time,
          ).changes &&
          t.first
        )
          counts.firstEntries.add(t.account, [t.campaign, t.to], t.time, 1);
      for (const c of all) c.flush();
    });
    this.commitTx = (work: LeadUnitOfWork) => {
      try {
        tx(work);
      } finally {
        for (const c of all) c.discard();
      }
    };
  }

  async leadsOf(subscribers: readonly number[]): Promise<StoredLead[]> {
    const out: StoredLead[] = [];
    // Chunks keep the statement shapes few and under SQLite's variable limit.
    for (let i = 0; i < subscribers.length; i += 100) {
      const chunk = subscribers.slice(i, i + 100);
      const sql = `SELECT * FROM leads WHERE subscriber IN (${chunk.map(() => '?').join(',')})`;
      for (const row of this.statements.get(sql).all(...chunk) as LeadRow[]) out.push(toLead(row));
    }
    return out;
  }

  async commit(work: LeadUnitOfWork): Promise<void> {
    this.commitTx(work);
  }

  async recheckCandidates(q: RecheckQuery): Promise<StoredLead[]> {
    const out = new Map<number, StoredLead>();
    const inWindow = this.statements.get(
      `SELECT * FROM leads WHERE campaign = ? AND status = ${LeadStatus.approve} AND join_time >= ? AND bot = ?
       AND updated <= ? ORDER BY checked, id LIMIT ?`,
    );
    for (const w of q.windows) {
      if (out.size >= q.limit) break;
      for (const row of inWindow.all(w.campaign, w.joinedSince, q.bot, q.changedBefore, q.limit) as LeadRow[])
        out.set(row.id, toLead(row));
    }
    const rest = this.statements.get(
      `SELECT * FROM leads WHERE bot = ? AND status = ${LeadStatus.approve} AND updated <= ? ORDER BY checked, id LIMIT ?`,
    );
    if (out.size < q.limit)
      for (const row of rest.all(q.bot, q.changedBefore, q.limit) as LeadRow[]) out.set(row.id, toLead(row));
    return [...out.values()].slice(0, q.limit);
  }

  async markChecked(leads: readonly number[], at: number): Promise<void> {
    const mark = this.statements.get('UPDATE leads SET checked = ? WHERE id = ?');
    for (const id of leads) mark.run(at, id);
  }

  async reset(): Promise<void> {
    this.db.exec(
      `DELETE FROM leads; DELETE FROM journal; DELETE FROM lead_transitions; DELETE FROM applied_events;
       ${Object.values(COUNTED)
         .map((t) => `DELETE FROM ${t.counts};`)
         .join(' ')}`,
    );
  }

  async claim(events: readonly EventAt[]): Promise<Set<number>> {
    return this.claimTx(events);
  }

  private leadFilter(q: Omit<LeadQuery, 'limit' | 'offset'>) {
    return where([
      ['account = ?', q.account],
      ['campaign = ?', q.campaign],
      ['status = ?', q.status],
      ['start_time >= ?', q.from],
      ['start_time <= ?', q.to],
    ]);
  }

  async listLeads(q: LeadQuery): Promise<PageOf<StoredLead>> {
    const rows = this.statements.page<LeadRow>('leads', this.leadFilter(q), 'start_time DESC, id DESC', q);
    const total = this.counts.leads.total(
      q.account,
      [
        ['campaign', q.campaign],
        ['status', q.status],
      ],
      q.from,
      q.to,
    );
    return { rows: rows.map(toLead), total };
  }

  async *streamLeads(q: Omit<LeadQuery, 'limit' | 'offset'>): AsyncIterable<StoredLead> {
    const w = this.leadFilter(q);
    // Keyset pages: a long export neither holds a read transaction open nor skips rows.
    let cursor: { start: number; id: number } | null = null;
    for (;;) {
      const after = cursor ? 'AND (start_time < ? OR (start_time = ? AND id < ?))' : '';
      const sql = `SELECT * FROM leads ${w.sql || 'WHERE 1'} ${after} ORDER BY start_time DESC, id DESC LIMIT 1000`;
      const params = cursor ? [...w.params, cursor.start, cursor.start, cursor.id] : w.params;
      const rows = this.statements.get(sql).all(...params) as LeadRow[];
      for (const row of rows) yield toLead(row);
      if (rows.length < 1000) return;
      const last = rows[rows.length - 1]!;
      cursor = { start: last.start_time, id: last.id };
    }
  }

  async listJournal(q: JournalQuery): Promise<PageOf<JournalEntry>> {
    const w = where([
      ['account = ?', q.account],
      ['bot = ?', q.bot],
      ['chat = ?', q.chat],
      ['action = ?', q.action],
      ['time >= ?', q.from],
      ['time <= ?', q.to],
    ]);
    const rows = this.statements.page<JournalEntry>('journal', w, 'time DESC, id DESC', q);
    const total = this.counts.journal.total(
      q.account,
      [
        ['bot', q.bot],
        ['chat', q.chat],
        ['action', q.action],
      ],
      q.from,
      q.to,
    );
    return { rows, total };
  }

  async countFirstEntries(scope: CountScope): Promise<LeadCounters> {
    const byStatus = this.counts.firstEntries.sum(
      scope.account,
      [['campaign', scope.campaign]],
      scope.from,
      scope.to,
      'to_status',
    );
    const counters = emptyLeadCounters();
    for (const [status, n] of byStatus) counters[counterFor(status as LeadStatus)] += n;
    return counters;
  }

  async countOrganic(scope: OrganicScope): Promise<OrganicCounters> {
    const byAction = this.counts.journal.sum(
      scope.account,
      [
        ['chat', scope.chat],
        ['paid', 0],
      ],
      scope.from,
      scope.to,
      'action',
    );
    const counters = emptyOrganicCounters();
    for (const [action, n] of byAction) {
      const c = organicCounterFor(action as JournalAction);
      if (c) counters[c] += n;
    }
    return counters;
  }
}
