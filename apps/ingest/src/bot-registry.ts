import type { Bot, CatalogStore } from '@subtrack/ports';

/**
 * Bots by id, read through to the catalog so that a bot registered, re-added with a new token or
 * removed by another process is seen here within `ttlMs`.
 */
export class BotRegistry {
  private readonly bots = new Map<number, { bot: Bot; until: number }>();

  constructor(
    private readonly catalog: Pick<CatalogStore, 'getBot' | 'listBots'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: number): Promise<Bot | null> {
    const cached = this.bots.get(id);
    if (cached && cached.until > this.now()) return cached.bot;
    const bot = await this.catalog.getBot(id);
    if (bot) this.remember(bot);
    else this.bots.delete(id);
    return bot;
  }

  async all(): Promise<Bot[]> {
    const bots = await this.catalog.listBots();
    this.bots.clear();
    for (const bot of bots) this.remember(bot);
    return bots;
  }

  private remember(bot: Bot): void {
    this.bots.set(bot.id, { bot, until: this.now() + this.ttlMs });
  }
}
