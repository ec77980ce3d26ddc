import { Telegram, TelegramError } from 'telegraf';

/**
 * Told of every Bot API call once it is answered: the method, how it ended (`ok`, Telegram's error
 * code such as `429`, or `network` when no answer came) and how long it took, seconds.
 */
export type BotApiObserver = (method: string, outcome: string, seconds: number) => void;

/** The updates the product needs; chat_member and chat_join_request are only sent when asked for. */
export const ALLOWED_UPDATES = ['message', 'chat_join_request', 'chat_member', 'my_chat_member'] as const;

/** One telegraf client per bot token, all pointed at the configured Bot API root. */
export class TelegramClients {
  private readonly clients = new Map<string, Telegram>();
  constructor(
    private readonly apiRoot: string,
    private readonly observe?: BotApiObserver,
  ) {}

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
      if (this.observe) observed(client, this.observe);
      this.clients.set(token, client);
    }
    return client;
  }
}

/** Every method of a telegraf client goes through `callApi`: timed there, each call is seen once. */
function observed(client: Telegram, observe: BotApiObserver): void {
  const call = client.callApi.bind(client);
  client.callApi = (async (...args: Parameters<Telegram['callApi']>) => {
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;
    try {
      const result = await call(...args);
      observe(args[0], 'ok', seconds());
      return result;
    } catch (err) {
      observe(args[0], err instanceof TelegramError ? String(err.code) : 'network', seconds());
      throw err;
    }
  }) as Telegram['callApi'];
}
