import { TelegramApiError } from './errors';
import type { Lifecycle } from './lifecycle';
import type { BotRecord } from './records';
import type { Update } from './types';
import type { Updates } from './updates';

/** getUpdates for one bot at a time: a newer poll ends the waiting one with 409, as Telegram does. */
export class Polling {
  constructor(
    private readonly updates: Updates,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** Confirms by offset, then long-polls up to `timeout` seconds. */
  async poll(
    bot: BotRecord,
    opts: { offset?: number; limit: number; timeout: number; allowedUpdates?: string[] },
    signal?: AbortSignal,
  ): Promise<Update[]> {
    if (bot.webhook) {
      throw new TelegramApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (opts.allowedUpdates !== undefined) bot.allowedUpdates = opts.allowedUpdates;
    if (opts.offset !== undefined && opts.offset > 0) bot.queue.confirmBelow(opts.offset);
    else if (opts.offset !== undefined && opts.offset < 0) bot.queue.keepLast(-opts.offset);
    this.updates.checkIdle();
    bot.poller?.supersede();
    if (bot.queue.length === 0 && opts.timeout > 0 && !this.lifecycle.disposed) {
      await new Promise<void>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          if (bot.poller === poller) bot.poller = null;
        };
        const done = (): void => {
          cleanup();
          resolve();
        };
        const poller = {
          wake: done,
          supersede: (): void => {
            cleanup();
            reject(
              new TelegramApiError(
                409,
                'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
              ),
            );
          },
        };
        const timer = setTimeout(done, opts.timeout * 1000);
        signal?.addEventListener('abort', done);
        bot.poller = poller;
      });
    }
    return bot.queue.take(opts.limit);
  }
}
