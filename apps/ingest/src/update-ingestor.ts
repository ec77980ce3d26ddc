import { Logger } from '@nestjs/common';
import { Topics, type SubscriberStarted, type TelegramEvent } from '@subtrack/contracts';
import {
  MalformedUpdateError,
  eventMeta,
  normalizeUpdate,
  parseStartPayload,
  type StartRequest,
} from '@subtrack/domain';
import type { Bot, Campaign, CatalogStore, EventLog, IngestStore } from '@subtrack/ports';

/**
 * Turns a bot's Telegram updates into domain events on the log. An update that cannot be understood
 * is logged and set aside as a dead letter; it never stops the updates after it. Nothing here waits
 * for the Bot API: a /start's welcome and invite link are made afterwards from the logged event
 * (the welcome outbox), so Telegram's webhook is answered as soon as the events are durable.
 */
export class UpdateIngestor {
  private readonly logger = new Logger('ingest');

  constructor(
    private readonly catalog: CatalogStore,
    private readonly store: IngestStore,
    private readonly log: Pick<EventLog, 'append'>,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Resolves once every event of these updates is durable in the log. */
  async ingest(bot: Bot, updates: readonly unknown[]): Promise<void> {
    const events: TelegramEvent[] = [];
    for (const update of updates) {
      try {
        const normalized = normalizeUpdate(update, { account: bot.account, bot: bot.id });
        if (normalized.kind === 'event') events.push(normalized.event);
        else if (normalized.kind === 'start') {
          const started = await this.start(bot, normalized.start);
          if (started) events.push(started);
        }
      } catch (err) {
        if (!(err instanceof MalformedUpdateError)) throw err;
        await this.setAside(bot, update, err.message);
      }
    }
    await this.log.append(Topics.telegram, events);
  }

  private async setAside(bot: Bot, update: unknown, error: string): Promise<void> {
    const updateId =
      typeof update === 'object' &&
      update !== null &&
      Number.isSafeInteger((update as { update_id?: unknown }).update_id)
        ? (update as { update_id: number }).update_id
        : null;
    this.logger.warn(`bot ${bot.id}: malformed update ${updateId ?? '(no update_id)'} set aside: ${error}`);
    await this.store.deadLetter({
      bot: bot.id,
      updateId,
      payload: JSON.stringify(update) ?? 'undefined',
      error,
      time: this.now(),
    });
  }

  private async campaignFor(
    bot: Bot,
    payload: string,
  ): Promise<{ campaign: Campaign; click: string } | null> {
    const { code, click } = parseStartPayload(payload);
    const byCode = code ? await this.catalog.getCampaignByCode(code) : null;
    if (byCode && byCode.bot === bot.id) return { campaign: byCode, click };
    const fallback = await this.catalog.defaultCampaign(bot.id);
    return fallback ? { campaign: fallback, click: '' } : null;
  }

  private async start(bot: Bot, start: StartRequest): Promise<SubscriberStarted | null> {
    const target = await this.campaignFor(bot, start.payload);
    if (!target) return null;
    const { campaign, click } = target;
    const subscriber = start.subscriber;
    // The welcome (and the link, when the lead has none yet) is stored work for the welcome sender.
    const link = (await this.store.inviteLink(campaign.id, subscriber.id)) ?? '';
    return {
      ...eventMeta({ account: bot.account, bot: bot.id }, start.updateId, subscriber.id, start.time),
      type: 'SubscriberStarted',
      data: { campaign: campaign.id, chat: campaign.chat, subscriber, click, inviteLink: link },
    };
  }
}
