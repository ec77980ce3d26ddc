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
import { Markup } from 'telegraf';
import type { TelegramClients } from '@subtrack/telegram';

const DEFAULT_WELCOME = 'Welcome! Tap the button below to join.';

/**
 * Turns a bot's Telegram updates into domain events on the log. An update that cannot be understood
 * is logged and set aside as a dead letter; it never stops the updates after it. A /start is the one
 * update that needs Telegram itself: the lead's personal invite link is made (once per lead) and
 * sent back with the campaign's welcome message before the event is logged.
 */
export class UpdateIngestor {
  private readonly logger = new Logger('ingest');

  constructor(
    private readonly catalog: CatalogStore,
    private readonly store: IngestStore,
    private readonly log: EventLog,
    private readonly telegram: TelegramClients,
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
    const api = this.telegram.for(bot.token);

    let link = await this.store.inviteLink(campaign.id, subscriber.id);
    if (link === null) {
      try {
        const created = await api.createChatInviteLink(campaign.chat, {
          name: `lead ${campaign.code} ${subscriber.id}`.slice(0, 32),
          creates_join_request: campaign.joinMode === 'request',
        });
        link = created.invite_link;
        await this.store.saveInviteLink(campaign.id, subscriber.id, link);
      } catch (err) {
        // Without a link the lead still counts: joins fall back to matching the subscriber.
        this.logger.error(
          `bot ${bot.id}: createChatInviteLink for campaign ${campaign.id} failed: ${String(err)}`,
        );
        link = '';
      }
    }

    if (!(await this.store.startHandled(bot.id, start.updateId))) {
      const text = campaign.welcome || DEFAULT_WELCOME;
      try {
        await api.sendMessage(
          subscriber.id,
          text,
          link ? Markup.inlineKeyboard([Markup.button.url('Join', link)]) : {},
        );
      } catch (err) {
        this.logger.warn(`bot ${bot.id}: reply to ${subscriber.id} failed: ${String(err)}`);
      }
      await this.store.markStartHandled(bot.id, start.updateId);
    }

    return {
      ...eventMeta({ account: bot.account, bot: bot.id }, start.updateId, subscriber.id, start.time),
      type: 'SubscriberStarted',
      data: { campaign: campaign.id, chat: campaign.chat, subscriber, click, inviteLink: link },
    };
  }
}
