import type { Lifecycle } from './lifecycle';
import type { BotRecord, DeliveryRecord } from './records';
import type { Update } from './types';
import type { Updates } from './updates';

export interface WebhookTiming {
  /** First delay between retries (ms); doubles up to maxRetryMs. */
  retryMs: number;
  maxRetryMs: number;
  /** A POST that takes longer counts as failed. */
  timeoutMs: number;
}

type Webhook = NonNullable<BotRecord['webhook']>;

interface PostOutcome {
  status: number;
  statusText: string;
  body: string;
  contentType: string;
  error?: string;
}

/** Webhook setup and delivery: one POST at a time per bot, in order; failures are retried with backoff, never dropped. */
export class Webhooks {
  private readonly log: DeliveryRecord[] = [];

  constructor(
    private readonly updates: Updates,
    private readonly lifecycle: Lifecycle,
    private readonly timing: WebhookTiming,
    private readonly now: () => number,
    /** Runs a Bot API call the webhook answered with. */
    private readonly execute: (
      token: string,
      method: string,
      params: Record<string, unknown>,
    ) => Promise<unknown>,
  ) {}

  /** setWebhook / deleteWebhook. */
  configure(
    bot: BotRecord,
    webhook: Webhook | null,
    opts: { allowedUpdates?: string[]; dropPending?: boolean },
  ): void {
    bot.webhook = webhook;
    if (webhook) bot.lastError = null;
    if (opts.allowedUpdates !== undefined) bot.allowedUpdates = opts.allowedUpdates;
    if (opts.dropPending) bot.queue.clear();
    // A long poll still waiting now conflicts with the webhook.
    bot.poller?.supersede();
    this.kick(bot);
    this.updates.checkIdle();
  }

  /** Starts delivery unless one is running or there is nothing to deliver. */
  kick(bot: BotRecord): void {
    if (bot.webhook && !bot.delivering && bot.queue.length > 0 && !this.lifecycle.disposed)
      void this.deliver(bot);
  }

  deliveries(botId?: number): DeliveryRecord[] {
    return this.log
      .filter((d) => botId === undefined || d.bot_id === botId)
      .map((d) => ({ ...d, statuses: [...d.statuses] }));
  }

  private async deliver(bot: BotRecord): Promise<void> {
    bot.delivering = true;
    let backoff = this.timing.retryMs;
    try {
      while (!this.lifecycle.disposed && bot.webhook && bot.queue.length > 0) {
        const update = bot.queue.peek() as Update;
        const hook = bot.webhook;
        let record = bot.currentDelivery;
        if (!record || record.update_id !== update.update_id) {
          record = {
            bot_id: bot.user.id,
            update_id: update.update_id,
            url: hook.url,
            attempts: 0,
            status: 0,
            statuses: [],
            delivered: false,
          };
          bot.currentDelivery = record;
          this.log.push(record);
        }
        record.url = hook.url;
        record.attempts++;
        const outcome = await this.post(hook, update);
        record.status = outcome.status;
        record.statuses.push(outcome.status);
        if (outcome.status >= 200 && outcome.status < 300) {
          record.delivered = true;
          delete record.error;
          bot.currentDelivery = null;
          if (bot.queue.peek() === update) bot.queue.shift();
          backoff = this.timing.retryMs;
          await this.applyReply(bot, outcome.body, outcome.contentType);
          this.updates.checkIdle();
        } else {
          record.error =
            outcome.error ?? `Wrong response from the webhook: ${outcome.status} ${outcome.statusText}`;
          bot.lastError = { date: this.now(), message: record.error };
          await this.lifecycle.sleep(backoff);
          backoff = Math.min(backoff * 2, this.timing.maxRetryMs);
        }
      }
    } finally {
      bot.delivering = false;
    }
    this.kick(bot);
  }

  private async post(hook: Webhook, update: Update): Promise<PostOutcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.timing.timeoutMs),
      });
      const body = await res.text();
      return {
        status: res.status,
        statusText: res.statusText,
        body,
        contentType: res.headers.get('content-type') ?? '',
      };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return {
        status: 0,
        statusText: '',
        body: '',
        contentType: '',
        error: cause ?? (e instanceof Error ? e.message : String(e)),
      };
    }
  }

  /** Telegram executes a Bot API call returned as the webhook response body (telegraf's webhookReply). */
  private async applyReply(bot: BotRecord, body: string, contentType: string): Promise<void> {
    if (!body || !contentType.includes('application/json')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object') return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method !== 'string') return;
    await this.execute(bot.token, method, params).catch(() => undefined);
  }
}
