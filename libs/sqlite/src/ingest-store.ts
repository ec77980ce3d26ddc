import type { DeadLetter, IngestStore } from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache } from './statements';

export class SqliteIngestStore implements IngestStore {
  private readonly sql: StatementCache;
  constructor(db: Db) {
    this.sql = new StatementCache(db);
  }

  async inviteLink(campaign: number, subscriber: number): Promise<string | null> {
    const row = this.sql
      .get<[number, number], { link: string }>(
        'SELECT link FROM invite_links WHERE campaign = ? AND subscriber = ?',
      )
      .get(campaign, subscriber);
    return row?.link ?? null;
  }

  async saveInviteLink(campaign: number, subscriber: number, link: string): Promise<void> {
    this.sql
      .get('INSERT OR REPLACE INTO invite_links (campaign, subscriber, link) VALUES (?, ?, ?)')
      .run(campaign, subscriber, link);
  }

  async deadLetter(e: DeadLetter): Promise<void> {
    this.sql
      .get('INSERT INTO dead_letters (bot, update_id, payload, error, time) VALUES (?, ?, ?, ?, ?)')
      .run(e.bot, e.updateId, e.payload, e.error, e.time);
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return this.sql
      .get<[number], { bot: number; update_id: number | null; payload: string; error: string; time: number }>(
        'SELECT bot, update_id, payload, error, time FROM dead_letters ORDER BY id DESC LIMIT ?',
      )
      .all(limit)
      .map((r) => ({ bot: r.bot, updateId: r.update_id, payload: r.payload, error: r.error, time: r.time }));
  }
}
