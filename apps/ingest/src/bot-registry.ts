import type { Bot, CatalogStore } from '@subtrack/ports';

/** Bots by id, read through to the catalog so that a bot registered by another process is found. */
export class BotRegistry {
  private readonly bots = new Map<number, Bot>();
  constructor(private readonly catalog: CatalogStore) {}

  async get(id: number): Promise<Bot | null> {
    const cached = this.bots.get(id);
    if (cached) return cached;
    const bot = await this.catalog.getBot(id);
    if (bot) this.bots.set(id, bot);
    return bot;
  }

  async all(): Promise<Bot[]> {
    const bots = await this.catalog.listBots();
    for (const bot of bots) this.bots.set(bot.id, bot);
    return bots;
  }
}
