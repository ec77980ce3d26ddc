import type {
  DeliveryState,
  OutboxBacklog,
  PageOf,
  PostbackAttempt,
  PostbackDelivery,
  PostbackQuery,
  PostbackStore,
} from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache, outboxBacklog, outboxClaimer, where } from './statements';

interface Row {
  id: string;
  account: number;
  campaign: number;
  lead: number;
  status: PostbackDelivery['status'];
  url: string;
  method: PostbackDelivery['method'];
  body: string;
  created: number;
  state: DeliveryState;
  attempts: string;
  next_at: number;
}

const toDelivery = (r: Row): PostbackDelivery => ({
  id: r.id,
  account: r.account,
  campaign: r.campaign,
  lead: r.lead,
  status: r.status,
  url: r.url,
  method: r.method,
  body: r.body,
  created: r.created,
  state: r.state,
  attempts: JSON.parse(r.attempts) as PostbackAttempt[],
  nextAt: r.next_at,
});

export class SqlitePostbackStore implements PostbackStore {
  private readonly statements: StatementCache;
  private readonly claim: (now: number, limit: number, leaseMs: number) => Row[];
  private readonly owed: () => OutboxBacklog;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    this.claim = outboxClaimer<Row>(db, 'postbacks');
    this.owed = outboxBacklog(db, 'postbacks');
  }

  async backlog(): Promise<OutboxBacklog> {
    return this.owed();
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<PostbackDelivery[]> {
    return this.claim(now, limit, leaseMs).map(toDelivery);
  }

  async recordAttempt(
    id: string,
    attempt: PostbackAttempt,
    next: { state: DeliveryState; nextAt: number },
  ): Promise<void> {
    this.statements
      .get(
        `UPDATE postbacks SET attempts = json_insert(attempts, '$[#]', json(?)), state = ?, next_at = ?, lease_until = 0 WHERE id = ?`,
      )
      .run(JSON.stringify(attempt), next.state, next.nextAt, id);
  }

  async get(id: string): Promise<PostbackDelivery | null> {
    const row = this.statements.get('SELECT * FROM postbacks WHERE id = ?').get(id) as Row | undefined;
    return row ? toDelivery(row) : null;
  }

  async list(q: PostbackQuery): Promise<PageOf<PostbackDelivery>> {
    const w = where([
      ['account = ?', q.account],
      ['campaign = ?', q.campaign],
      ['status = ?', q.status],
      ['state = ?', q.state],
      ['lead = ?', q.lead],
      ['created >= ?', q.from],
      ['created <= ?', q.to],
    ]);
    const rows = this.statements.page<Row>('postbacks', w, 'created DESC, id DESC', q);
    return { rows: rows.map(toDelivery), total: this.statements.count('postbacks', w) };
  }

  async latestOf(leads: readonly number[]): Promise<Map<number, PostbackDelivery>> {
    const out = new Map<number, PostbackDelivery>();
    const latest = this.statements.get<[number], Row>(
      'SELECT * FROM postbacks WHERE lead = ? ORDER BY created DESC, id DESC LIMIT 1',
    );
    for (const lead of new Set(leads)) {
      const row = latest.get(lead);
      if (row) out.set(lead, toDelivery(row));
    }
    return out;
  }

  async resend(id: string, now: number): Promise<void> {
    this.statements
      .get(`UPDATE postbacks SET state = 'pending', next_at = ?, lease_until = 0 WHERE id = ?`)
      .run(now, id);
  }
}
