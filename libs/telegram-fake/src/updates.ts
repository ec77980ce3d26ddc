import type { BotRecord, Emitted } from './records';
import { OPT_IN_UPDATE_TYPES, type Update } from './types';

type UpdateKind = Exclude<keyof Update, 'update_id'>;

/**
 * Per-bot update queues: creates updates as Telegram filters them (allowed_updates), keeps the
 * history, wakes the consumer and tells idle() waiters when every queue is drained.
 */
export class Updates {
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly bots: ReadonlyMap<number, BotRecord>,
    private readonly recordHistory: boolean,
    /** Starts webhook delivery for a bot whose queue just grew. */
    private readonly onQueued: (bot: BotRecord) => void,
  ) {}

  /** One update of `type` for each recipient that wants it; `build` makes its payload. */
  emit<K extends UpdateKind>(
    recipients: BotRecord[],
    type: K,
    build: (bot: BotRecord) => Update[K],
  ): Emitted[] {
    const out: Emitted[] = [];
    for (const bot of recipients) {
      if (!this.wants(bot, type)) continue;
      const update: Update = { update_id: bot.nextUpdateId++ };
      update[type] = build(bot);
      out.push({ bot_id: bot.user.id, update: this.enqueue(bot, update) });
    }
    return out;
  }

  /** Queues a raw payload; its numeric update_id is kept (and moves the counter on), else one is assigned. */
  push(bot: BotRecord, update: Record<string, unknown>): Update {
    const given = update.update_id;
    if (typeof given === 'number' && Number.isInteger(given)) {
      bot.nextUpdateId = Math.max(bot.nextUpdateId, given + 1);
      return this.enqueue(bot, { ...update, update_id: given });
    }
    return this.enqueue(bot, { ...update, update_id: bot.nextUpdateId++ });
  }

  /** See FakeTelegram.isIdle. */
  isIdle(): boolean {
    for (const bot of this.bots.values()) {
      if ((bot.consumed || bot.webhook) && bot.queue.length > 0) return false;
    }
    return true;
  }

  pendingCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const bot of this.bots.values()) {
      if ((bot.consumed || bot.webhook) && bot.queue.length > 0) out[String(bot.user.id)] = bot.queue.length;
    }
    return out;
  }

  idle(opts: { timeoutMs?: number }): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (): void => {
        if (timer) clearTimeout(timer);
        this.idleWaiters.delete(waiter);
        resolve();
      };
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.idleWaiters.delete(waiter);
          reject(
            new Error(
              `not idle after ${opts.timeoutMs} ms; pending updates per bot: ${JSON.stringify(this.pendingCounts())}`,
            ),
          );
        }, opts.timeoutMs);
      }
      this.idleWaiters.add(waiter);
    });
  }

  /** Called whenever a queue may have drained (confirmed, delivered, dropped). */
  checkIdle(): void {
    if (this.idleWaiters.size === 0 || !this.isIdle()) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private wants(bot: BotRecord, type: string): boolean {
    const allowed = bot.allowedUpdates;
    if (!allowed || allowed.length === 0) return !OPT_IN_UPDATE_TYPES.includes(type);
    return allowed.includes(type);
  }

  private enqueue(bot: BotRecord, update: Update): Update {
    bot.queue.push(update);
    if (this.recordHistory) bot.history.push(update);
    bot.poller?.wake();
    this.onQueued(bot);
    return update;
  }
}
