import { Logger } from '@nestjs/common';
import type { Bot } from '@subtrack/ports';
import type { BotRegistry } from './bot-registry';
import { ALLOWED_UPDATES, type TelegramClients } from '@subtrack/telegram';
import type { UpdateIngestor } from './update-ingestor';

const LONG_POLL_SECONDS = 25;

/**
 * Long polling for local use (TELEGRAM_MODE=polling): one loop per bot. The next offset is asked for
 * only after the previous batch is durable in the log, which is what confirms it to Telegram.
 */
export class PollingRunner {
  private readonly logger = new Logger('polling');
  private readonly loops = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private refresher: NodeJS.Timeout | null = null;

  constructor(
    private readonly bots: BotRegistry,
    private readonly telegram: TelegramClients,
    private readonly ingestor: UpdateIngestor,
    private readonly refreshMs: number,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.refresher = setInterval(
      () => void this.refresh().catch((err) => this.logger.error(String(err))),
      this.refreshMs,
    );
  }

  /** Starts a loop for every bot that has none yet. */
  async refresh(): Promise<void> {
    for (const bot of await this.bots.all()) {
      if (!this.loops.has(bot.id) && !this.abort.signal.aborted) this.loops.set(bot.id, this.poll(bot));
    }
  }

  async stop(): Promise<void> {
    if (this.refresher) clearInterval(this.refresher);
    this.abort.abort();
    await Promise.allSettled(this.loops.values());
  }

  private async poll(bot: Bot): Promise<void> {
    const api = this.telegram.for(bot.token);
    const signal = this.abort.signal;
    let offset = 0;
    try {
      await api.deleteWebhook();
    } catch (err) {
      this.logger.warn(`bot ${bot.id}: deleteWebhook failed: ${String(err)}`);
    }
    this.logger.log(`bot ${bot.id} (@${bot.username}): polling`);
    while (!signal.aborted) {
      try {
        const updates = (await api.callApi(
          'getUpdates',
          { offset, limit: 100, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
          // telegraf types its signal with the abort-controller polyfill; Node's own is compatible at run time.
          { signal: signal as unknown as NonNullable<Parameters<typeof api.callApi>[2]>['signal'] },
        )) as { update_id: number }[];
        if (updates.length === 0) continue;
        await this.ingestor.ingest(bot, updates);
        offset = Math.max(...updates.map((u) => (Number.isSafeInteger(u.update_id) ? u.update_id : 0))) + 1;
      } catch (err) {
        if (signal.aborted) break;
        this.logger.error(`bot ${bot.id}: polling failed, retrying: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
