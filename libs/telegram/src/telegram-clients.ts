import { Telegram } from 'telegraf';

/** The updates the product needs; chat_member and chat_join_request are only sent when asked for. */
export const ALLOWED_UPDATES = ['message', 'chat_join_request', 'chat_member', 'my_chat_member'] as const;

/** One telegraf client per bot token, all pointed at the configured Bot API root. */
export class TelegramClients {
  private readonly clients = new Map<string, Telegram>();
  constructor(private readonly apiRoot: string) {}

  for(token: string): Telegram {
    let client = this.clients.get(token);
    if (!client) {
      client = new Telegram(token, { apiRoot: this.apiRoot, webhookReply: false });
      this.clients.set(token, client);
    }
    return client;
  }
}
