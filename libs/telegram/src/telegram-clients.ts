import { Telegram } from 'telegraf';

/** The updates the product needs; chat_member and chat_join_request are only sent when asked for. */
export const ALLOWED_UPDATES = ['message', 'chat_join_request', 'chat_member', 'my_chat_member'] as const;

/** One telegraf client per bot token, all pointed at the configured Bot API root. */
export class TelegramClients {
  private readonly clients = new Map<string, Telegram>();
  constructor(private readonly apiRoot: string) {}

  /**
   * Points Telegram at ingest's webhook route for this bot, with the bot's secret token and the
   * updates the product needs. Returns the URL.
   */
  async registerWebhook(
    bot: { id: number; token: string; secret: string },
    publicUrl: string,
  ): Promise<string> {
    const url = `${publicUrl.replace(/\/+$/, '')}/telegram/webhook/${bot.id}`;
    await this.for(bot.token).setWebhook(url, {
      secret_token: bot.secret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    return url;
  }

  for(token: string): Telegram {
    let client = this.clients.get(token);
    if (!client) {
      client = new Telegram(token, { apiRoot: this.apiRoot, webhookReply: false });
      this.clients.set(token, client);
    }
    return client;
  }
}
