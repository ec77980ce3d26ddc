import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatRow } from '@subtrack/api-contract';
import { CLOCK, CONFIG, type Clock, type Config } from '@subtrack/config';
import { CATALOG_STORE, type Account, type Bot, type CatalogStore } from '@subtrack/ports';
import { TelegramClients } from '@subtrack/telegram';
import { randomBytes } from 'node:crypto';
import { ApiError } from './api-error';
import { chatHealth } from './present';

/** Bots registered by token, and the chats they administer. */
@Injectable()
export class BotsService {
  private readonly logger = new Logger('api');

  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(TelegramClients) private readonly telegram: TelegramClients,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** The account's bot, or 404 naming the parameter it came in. */
  async own(account: Account, id: number, name = 'bot'): Promise<Bot> {
    const bot = await this.catalog.getBot(id);
    if (!bot || bot.account !== account.id)
      throw new ApiError(404, 'notfound', `${name}: bot ${id} not found`);
    return bot;
  }

  async add(account: Account, token: string) {
    let me: { id: number; username?: string };
    try {
      me = await this.telegram.for(token).getMe();
    } catch (err) {
      // Telegram's own answer refusing the token is the caller's to fix; no answer at all is ours.
      const code = (err as { response?: { error_code?: unknown } }).response?.error_code;
      if (typeof code === 'number' && code >= 400 && code < 500)
        throw new ApiError(400, 'telegram', `token: Telegram rejected it (${(err as Error).message})`);
      throw new ApiError(
        502,
        'telegram',
        `Telegram could not be asked about the token: ${(err as Error).message}`,
      );
    }
    const existing = await this.catalog.getBot(me.id);
    if (existing && existing.account !== account.id)
      throw new ApiError(409, 'conflict', `bot ${me.id} belongs to another account`);
    const bot: Bot = {
      id: me.id,
      account: account.id,
      username: me.username ?? '',
      token,
      secret: existing?.secret ?? randomBytes(24).toString('hex'),
      created: existing?.created ?? this.now(),
      // Added again (a new token, or the same one working again): healthy until Telegram says not.
      status: 'ok',
    };
    await this.catalog.saveBot(bot);
    let webhook: string | null = null;
    if (this.config.PUBLIC_URL && this.config.TELEGRAM_MODE === 'webhook') {
      try {
        webhook = await this.telegram.registerWebhook(bot, this.config.PUBLIC_URL);
      } catch (err) {
        throw new ApiError(502, 'telegram', `bot saved, but setWebhook failed: ${(err as Error).message}`);
      }
    } else if (this.config.TELEGRAM_MODE === 'webhook') {
      this.logger.warn(`bot ${bot.id}: PUBLIC_URL is not set, so no webhook was registered`);
    }
    return { id: bot.id, username: bot.username, webhook };
  }

  async list(account: Account) {
    const bots = await this.catalog.listBots(account.id);
    return bots.map((b) => ({ id: b.id, username: b.username, status: b.status }));
  }

  /** By default the chats campaigns can use; `all` also those the bot lost its rights in or left. */
  async chats(account: Account, botId: number | undefined, all: boolean): Promise<ChatRow[]> {
    const bots =
      botId !== undefined ? [await this.own(account, botId)] : await this.catalog.listBots(account.id);
    const rows: ChatRow[] = [];
    for (const bot of bots) {
      for (const c of await this.catalog.listChats(bot.id)) {
        const status = chatHealth(c);
        if (all || status === 'ok')
          rows.push({ id: c.id, bot: c.bot, title: c.title, type: c.type, username: c.username, status });
      }
    }
    return rows;
  }
}
