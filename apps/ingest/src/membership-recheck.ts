import { Logger } from '@nestjs/common';
import { EVENT_VERSION, Topics, type MemberBanned, type MemberLeft } from '@subtrack/contracts';
import { judgeBotApiFailure } from '@subtrack/domain';
import type { Bot, CatalogStore, EventLog, LeadStore, StoredLead } from '@subtrack/ports';
import type { TelegramClients } from '@subtrack/telegram';
import { failureOf, type BotApiGate } from './bot-api-gate';

export interface RecheckOptions {
  /** getChatMember calls per bot per minute (TELEGRAM_RECHECK_PER_MINUTE); 0 turns the recheck off. */
  perMinute: number;
  /**
   * A lead changed this recently (seconds) is left alone: the update that changed it, or the one
   * that will, may still be on its way, and a leave found meanwhile would be counted twice.
   */
  settleSeconds?: number;
  /** The product's clock, Unix seconds (pinned in tests). */
  clock?: () => number;
  now?: () => number;
}

/**
 * Telegram drops `chat_member` updates in large chats, and a lead that left unannounced would stay
 * "approve" with its cancel postback never sent. This asks Telegram (getChatMember) about approved
 * leads, at a budget of calls per bot per minute paced with every other Bot API call: first those
 * still inside their campaign's unsubscribe window, then the rest, least recently checked first. A
 * leave or ban it finds is logged as the same domain event marked `foundBy: 'recheck'`, so lead,
 * journal, statistics and postbacks follow exactly as for a live update.
 */
export class MembershipRecheck {
  private readonly logger = new Logger('recheck');
  private readonly o: Required<RecheckOptions>;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly leads: Pick<LeadStore, 'recheckCandidates' | 'markChecked'>,
    private readonly catalog: Pick<CatalogStore, 'listBots' | 'listCampaigns' | 'getChat'>,
    private readonly log: Pick<EventLog, 'append'>,
    private readonly telegram: TelegramClients,
    private readonly gate: BotApiGate,
    options: RecheckOptions,
  ) {
    this.o = {
      settleSeconds: 600,
      clock: () => Math.floor(Date.now() / 1000),
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    if (this.o.perMinute <= 0) return;
    const tick = Math.max(10, Math.round(60_000 / this.o.perMinute));
    // A round at a time: a slow one delays the next instead of piling up behind it.
    this.timer = setInterval(() => {
      if (!this.round) this.round = this.checkAll().finally(() => (this.round = null));
    }, tick);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** One call's worth for every bot: its next candidate lead, if it has one. */
  async checkAll(): Promise<void> {
    try {
      // A bot Telegram refuses the token of cannot ask anything.
      const bots = (await this.catalog.listBots()).filter((b) => b.status === 'ok');
      await Promise.all(bots.map((bot) => this.checkNext(bot)));
    } catch (err) {
      this.logger.error(`recheck round failed: ${String(err)}`);
    }
  }

  async checkNext(bot: Bot): Promise<StoredLead | null> {
    const now = this.o.clock();
    const campaigns = (await this.catalog.listCampaigns(bot.account)).filter(
      (c) => c.bot === bot.id && c.unsubWindow > 0,
    );
    const [lead] = await this.leads.recheckCandidates({
      bot: bot.id,
      windows: campaigns.map((c) => ({ campaign: c.id, joinedSince: now - c.unsubWindow * 3600 })),
      changedBefore: now - this.o.settleSeconds,
      limit: 1,
    });
    if (!lead) return null;
    // Out of the chat or without rights, the bot cannot ask about it; it comes round again later.
    const chat = await this.catalog.getChat(bot.id, lead.chat);
    if (!chat?.active || !chat.admin) {
      await this.leads.markChecked([lead.id], now);
      return null;
    }
    // A check that has to wait long for the pace is skipped; the lead stays first in line.
    if (await this.gate.slot(this.o.now() + 5_000, bot.id, 'getChatMember')) return null;
    let status: string;
    try {
      const member = await this.telegram.for(bot.token).getChatMember(lead.chat, lead.subscriber);
      status = member.status === 'restricted' && !member.is_member ? 'left' : member.status;
    } catch (err) {
      const failure = failureOf(err);
      const verdict = judgeBotApiFailure(failure);
      if (verdict.kind === 'flood') this.gate.pause(bot.id, this.o.now() + verdict.waitMs);
      // Not asked again at once: a lead Telegram cannot answer about must not block the others.
      if (verdict.kind === 'permanent') await this.leads.markChecked([lead.id], now);
      this.logger.warn(`bot ${bot.id}: getChatMember for lead ${lead.id} failed: ${failure.description}`);
      return null;
    }
    if (status === 'left' || status === 'kicked') {
      await this.log.append(Topics.telegram, [found(bot, lead, status, now)]);
      this.logger.log(`lead ${lead.id}: found ${status} by recheck, no update had said so`);
    }
    await this.leads.markChecked([lead.id], now);
    return lead;
  }
}

/**
 * The leave or ban, keyed by the lead's version so that a repeated check logs it once, and marked
 * with that version so that the projection drops it if an update moved the lead meanwhile.
 */
function found(
  bot: Bot,
  lead: StoredLead,
  status: 'left' | 'kicked',
  time: number,
): MemberLeft | MemberBanned {
  const meta = {
    id: `${bot.id}:recheck:${lead.id}:${lead.seq}`,
    version: EVENT_VERSION,
    key: String(lead.subscriber),
    account: lead.account,
    bot: bot.id,
    updateId: 0,
    time,
  };
  const subscriber = { id: lead.subscriber, username: lead.username };
  const finding = { foundBy: 'recheck', asOf: { lead: lead.id, seq: lead.seq } } as const;
  return status === 'left'
    ? { ...meta, type: 'MemberLeft', data: { chat: lead.chat, subscriber, ...finding } }
    : { ...meta, type: 'MemberBanned', data: { chat: lead.chat, subscriber, by: 0, ...finding } };
}
