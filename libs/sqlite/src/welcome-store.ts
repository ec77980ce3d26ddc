import type { OutboxBacklog, Welcome, WelcomeOutcome, WelcomeState, WelcomeStore } from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache, outboxBacklog, outboxClaimer } from './statements';

interface Row {
  id: string;
  account: number;
  bot: number;
  campaign: number;
  chat: number;
  lead: number;
  subscriber: number;
  update_id: number;
  created: number;
  invite_link: string;
  join_request: number;
  text: string;
  state: WelcomeState;
  attempts: number;
  last_error: string;
  next_at: number;
}

const toWelcome = (r: Row): Welcome => ({
  id: r.id,
  account: r.account,
  bot: r.bot,
  campaign: r.campaign,
  chat: r.chat,
  lead: r.lead,
  subscriber: r.subscriber,
  updateId: r.update_id,
  created: r.created,
  inviteLink: r.invite_link,
  joinRequest: r.join_request === 1,
  text: r.text,
  state: r.state,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAt: r.next_at,
});

export class SqliteWelcomeStore implements WelcomeStore {
  private readonly statements: StatementCache;
  private readonly claim: (now: number, limit: number, leaseMs: number) => Row[];
  private readonly owed: () => OutboxBacklog;

  constructor(db: Db) {
    this.statements = new StatementCache(db);
    this.claim = outboxClaimer<Row>(db, 'welcomes');
    this.owed = outboxBacklog(db, 'welcomes');
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Welcome[]> {
    return this.claim(now, limit, leaseMs).map(toWelcome);
  }

  async record(id: string, o: WelcomeOutcome): Promise<void> {
    this.statements
      .get(
        `UPDATE welcomes SET state = ?, next_at = ?, last_error = ?, attempts = attempts + ?,
           invite_link = CASE WHEN ? <> '' THEN ? ELSE invite_link END, lease_until = 0 WHERE id = ?`,
      )
      .run(o.state, o.nextAt, o.error, o.failed ? 1 : 0, o.inviteLink ?? '', o.inviteLink ?? '', id);
  }

  async get(id: string): Promise<Welcome | null> {
    const row = this.statements.get('SELECT * FROM welcomes WHERE id = ?').get(id) as Row | undefined;
    return row ? toWelcome(row) : null;
  }

  async latestOf(leads: readonly number[]): Promise<Map<number, Welcome>> {
    const out = new Map<number, Welcome>();
    const latest = this.statements.get(
      'SELECT * FROM welcomes WHERE lead = ? ORDER BY created DESC, id DESC LIMIT 1',
    );
    for (const lead of new Set(leads)) {
      const row = latest.get(lead) as Row | undefined;
      if (row) out.set(lead, toWelcome(row));
    }
    return out;
  }

  async backlog(): Promise<OutboxBacklog> {
    return this.owed();
  }
}
