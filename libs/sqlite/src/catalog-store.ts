import type {
  Account,
  Bot,
  BotChat,
  Campaign,
  CatalogStore,
  NewCampaign,
  BotStatus,
  SigningSecret,
} from '@subtrack/ports';
import type { Db } from './database';
import { StatementCache } from './statements';

interface AccountRow {
  id: number;
  name: string;
  timezone: string;
  key_hash: string;
  postbacks: string;
  created: number;
}
interface ChatRow {
  bot: number;
  id: number;
  account: number;
  title: string;
  type: string;
  username: string;
  admin: number;
  active: number;
  seq: number;
}
interface CampaignRow {
  id: number;
  account: number;
  name: string;
  code: string;
  bot: number;
  chat: number;
  join_mode: Campaign['joinMode'];
  welcome: string;
  postbacks: string | null;
  method: Campaign['method'];
  body: string;
  unsub_window: number;
  is_default: number;
  created: number;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  keyHash: r.key_hash,
  postbacks: JSON.parse(r.postbacks) as Account['postbacks'],
  created: r.created,
});
const toChat = (r: ChatRow): BotChat => ({ ...r, admin: r.admin === 1, active: r.active === 1 });
const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  account: r.account,
  name: r.name,
  code: r.code,
  bot: r.bot,
  chat: r.chat,
  joinMode: r.join_mode,
  welcome: r.welcome,
  postbacks: r.postbacks === null ? null : (JSON.parse(r.postbacks) as Campaign['postbacks']),
  method: r.method,
  body: r.body,
  unsubWindow: r.unsub_window,
  isDefault: r.is_default === 1,
  created: r.created,
});
const campaignParams = (c: NewCampaign) => ({
  account: c.account,
  name: c.name,
  code: c.code,
  bot: c.bot,
  chat: c.chat,
  join_mode: c.joinMode,
  welcome: c.welcome,
  postbacks: c.postbacks === null ? null : JSON.stringify(c.postbacks),
  method: c.method,
  body: c.body,
  unsub_window: c.unsubWindow,
  is_default: c.isDefault ? 1 : 0,
  created: c.created,
});

export class SqliteCatalogStore implements CatalogStore {
  private readonly sql: StatementCache;
  constructor(private readonly db: Db) {
    this.sql = new StatementCache(db);
  }

  async createAccount(input: Omit<Account, 'id'>): Promise<Account> {
    const info = this.sql
      .get('INSERT INTO accounts (name, timezone, key_hash, postbacks, created) VALUES (?, ?, ?, ?, ?)')
      .run(input.name, input.timezone, input.keyHash, JSON.stringify(input.postbacks), input.created);
    return { ...input, id: Number(info.lastInsertRowid) };
  }

  async hasAccounts(): Promise<boolean> {
    return this.sql.get('SELECT 1 FROM accounts LIMIT 1').get() !== undefined;
  }

  async getAccount(id: number): Promise<Account | null> {
    const row = this.sql.get<[number], AccountRow>('SELECT * FROM accounts WHERE id = ?').get(id);
    return row ? toAccount(row) : null;
  }

  async updateAccount(a: Account): Promise<void> {
    this.sql
      .get('UPDATE accounts SET name = ?, timezone = ?, key_hash = ?, postbacks = ? WHERE id = ?')
      .run(a.name, a.timezone, a.keyHash, JSON.stringify(a.postbacks), a.id);
  }

  async saveBot(bot: Bot): Promise<void> {
    this.sql
      .get(
        `INSERT INTO bots (id, account, username, token, secret, created, status) VALUES (@id, @account, @username, @token, @secret, @created, @status)
         ON CONFLICT (id) DO UPDATE SET account = excluded.account, username = excluded.username, token = excluded.token,
           secret = excluded.secret, status = excluded.status`,
      )
      .run(bot);
  }

  async setBotStatus(id: number, status: BotStatus): Promise<void> {
    this.sql.get('UPDATE bots SET status = ? WHERE id = ?').run(status, id);
  }

  async getBot(id: number): Promise<Bot | null> {
    return this.sql.get<[number], Bot>('SELECT * FROM bots WHERE id = ?').get(id) ?? null;
  }

  async listBots(account?: number): Promise<Bot[]> {
    return account === undefined
      ? this.sql.get<[], Bot>('SELECT * FROM bots ORDER BY id').all()
      : this.sql.get<[number], Bot>('SELECT * FROM bots WHERE account = ? ORDER BY id').all(account);
  }

  async applyChat(chat: BotChat): Promise<void> {
    this.sql
      .get(
        `INSERT INTO chats (bot, id, account, title, type, username, admin, active, seq)
         VALUES (@bot, @id, @account, @title, @type, @username, @admin, @active, @seq)
         ON CONFLICT (bot, id) DO UPDATE SET account = excluded.account, title = excluded.title, type = excluded.type,
           username = excluded.username, admin = excluded.admin, active = excluded.active, seq = excluded.seq
         WHERE excluded.seq > chats.seq`,
      )
      .run({ ...chat, admin: chat.admin ? 1 : 0, active: chat.active ? 1 : 0 });
  }

  async getChat(bot: number, chat: number): Promise<BotChat | null> {
    const row = this.sql
      .get<[number, number], ChatRow>('SELECT * FROM chats WHERE bot = ? AND id = ?')
      .get(bot, chat);
    return row ? toChat(row) : null;
  }

  async listChats(bot: number): Promise<BotChat[]> {
    return this.sql
      .get<[number], ChatRow>('SELECT * FROM chats WHERE bot = ? ORDER BY id')
      .all(bot)
      .map(toChat);
  }

  async createCampaign(input: NewCampaign): Promise<Campaign> {
    const info = this.sql
      .get(
        `INSERT INTO campaigns (account, name, code, bot, chat, join_mode, welcome, postbacks, method, body, unsub_window, is_default, created)
         VALUES (@account, @name, @code, @bot, @chat, @join_mode, @welcome, @postbacks, @method, @body, @unsub_window, @is_default, @created)`,
      )
      .run(campaignParams(input));
    return { ...input, id: Number(info.lastInsertRowid) };
  }

  async updateCampaign(c: Campaign): Promise<void> {
    this.sql
      .get(
        `UPDATE campaigns SET name = @name, code = @code, bot = @bot, chat = @chat, join_mode = @join_mode, welcome = @welcome,
           postbacks = @postbacks, method = @method, body = @body, unsub_window = @unsub_window, is_default = @is_default
         WHERE id = @id`,
      )
      .run({ ...campaignParams(c), id: c.id });
  }

  async getCampaign(id: number): Promise<Campaign | null> {
    const row = this.sql.get<[number], CampaignRow>('SELECT * FROM campaigns WHERE id = ?').get(id);
    return row ? toCampaign(row) : null;
  }

  async getCampaignByCode(code: string): Promise<Campaign | null> {
    const row = this.sql.get<[string], CampaignRow>('SELECT * FROM campaigns WHERE code = ?').get(code);
    return row ? toCampaign(row) : null;
  }

  async listCampaigns(account: number): Promise<Campaign[]> {
    return this.sql
      .get<[number], CampaignRow>('SELECT * FROM campaigns WHERE account = ? ORDER BY id')
      .all(account)
      .map(toCampaign);
  }

  async defaultCampaign(bot: number): Promise<Campaign | null> {
    const row = this.sql
      .get<[number], CampaignRow>(
        'SELECT * FROM campaigns WHERE bot = ? AND is_default = 1 ORDER BY id DESC LIMIT 1',
      )
      .get(bot);
    return row ? toCampaign(row) : null;
  }

  async rotateSigningSecret(secret: Omit<SigningSecret, 'retires'>, retireAt: number): Promise<void> {
    this.db.transaction(() => {
      const scope = [secret.account, secret.campaign];
      this.sql
        .get('DELETE FROM signing_secrets WHERE account = ? AND campaign = ? AND retires > 0')
        .run(...scope);
      this.sql
        .get('UPDATE signing_secrets SET retires = ? WHERE account = ? AND campaign = ? AND retires = 0')
        .run(retireAt, ...scope);
      this.sql
        .get(
          'INSERT OR REPLACE INTO signing_secrets (account, campaign, secret, created, retires) VALUES (?, ?, ?, ?, 0)',
        )
        .run(...scope, secret.secret, secret.created);
    })();
  }

  async removeSigningSecrets(account: number, campaign: number): Promise<void> {
    this.sql.get('DELETE FROM signing_secrets WHERE account = ? AND campaign = ?').run(account, campaign);
  }

  async signingSecrets(account: number, campaign: number, now: number): Promise<SigningSecret[]> {
    return this.sql
      .get<[number, number, number], SigningSecret>(
        `SELECT account, campaign, secret, created, retires FROM signing_secrets
         WHERE account = ? AND campaign = ? AND (retires = 0 OR retires > ?)
         ORDER BY retires = 0 DESC, retires DESC`,
      )
      .all(account, campaign, now);
  }
}
